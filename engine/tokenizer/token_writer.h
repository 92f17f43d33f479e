// QuantizedPiece -> tokens, bar by bar, in the one canonical order the grammar accepts:
//
//   BOS TimeSig Tempo [PedalOn]                     the prefix: state at the first bar line
//   ( Bar [TimeSig]                                  a TimeSig only when the metre changes
//     ( Position [Tempo] [PedalOff] [PedalOn]        a Position only when something happens there
//       ( Pitch Velocity [DurationExtra] Duration )* )* )*
//   EOS
//
// Notes at one position ascend by (pitch, velocity, duration). Bars continue until the file's
// end and until every note has ended.
#pragma once

#include "tokenizer/encoder.h"
#include "tokenizer/quantized_piece.h"

namespace pm::tok {

Encoding writeTokens(const QuantizedPiece& piece, const Vocabulary& vocabulary, const EncodeOptions& options,
                     EncodeReport report);

}  // namespace pm::tok
