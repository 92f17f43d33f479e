#include "dataset/piece_tokenizer.h"

namespace pm::dataset {

namespace {
void warnIf(std::vector<std::string>& out, std::size_t count, const char* what) {
    if (count) out.push_back(std::to_string(count) + " " + what);
}
}  // namespace

PieceTokenizer makePieceTokenizer(std::shared_ptr<const tok::Tokenizer> tokenizer) {
    PieceTokenizer p;
    p.config = tokenizer->configJson();
    p.vocabSize = std::uint32_t(tokenizer->vocabulary().size());
    p.encode = [tokenizer](const midi::MidiFile& file) {
        EncodedPiece out;
        tok::Encoding e = tokenizer->encode(file);
        const tok::EncodeReport& r = e.report;
        out.notes = r.notesEncoded;
        out.droppedNotes = r.drumNotesDropped + r.outOfRangeDropped + r.beyondLengthDropped;
        // Share of the file's notes that a piano played (folded notes came from other programs).
        const std::size_t considered = r.notesInFile - r.drumNotesDropped;
        out.pianoShare = considered ? double(considered - std::min(considered, r.notesFolded)) / double(considered) : 0.0;
        warnIf(out.warnings, r.notesFolded, "notes of other instruments played as piano");
        warnIf(out.warnings, r.drumNotesDropped, "drum notes dropped");
        warnIf(out.warnings, r.outOfRangeDropped, "notes outside the piano range dropped");
        warnIf(out.warnings, r.beyondLengthDropped, "notes beyond the length limit dropped");
        warnIf(out.warnings, r.unclosedNotesIgnored, "notes never released ignored");
        warnIf(out.warnings, r.durationsClamped, "overlong notes shortened");
        warnIf(out.warnings, r.temposClamped, "tempos outside the supported range clamped");
        warnIf(out.warnings, r.metresSubstituted, "unsupported time signatures replaced");
        if (r.notesEncoded == 0) {
            out.rejection = r.notesInFile == 0 ? "no notes"
                            : r.drumNotesDropped == r.notesInFile ? "only drum notes"
                                                                  : "no notes in the piano range";
            return out;
        }
        out.tokens.assign(e.tokens.begin(), e.tokens.end());
        out.barOffsets.reserve(e.bars.size());
        for (const tok::BarStart& b : e.bars) out.barOffsets.push_back(b.tokenOffset);
        return out;
    };
    return p;
}

}  // namespace pm::dataset
