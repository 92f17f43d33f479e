#include "tokenizer/encoder.h"

#include "tokenizer/piece_quantizer.h"
#include "tokenizer/token_writer.h"

namespace pm::tok {

Encoding encode(const midi::MidiFile& file, const Vocabulary& vocabulary, const EncodeOptions& options) {
    EncodeReport report;
    const QuantizedPiece piece = quantizePiece(file, vocabulary, report);
    return writeTokens(piece, vocabulary, options, report);
}

}  // namespace pm::tok
