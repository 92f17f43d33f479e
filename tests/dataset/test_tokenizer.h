// A deliberately simple stand-in tokenizer for dataset tests: one token per note (its pitch),
// a bar token (id 1) every 4 beats. The dataset code must work with any tokenizer, and these
// tests check the dataset's bookkeeping, not the real tokenizer's musical choices.
#pragma once

#include "dataset/dataset_builder.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace pm::test {

inline dataset::PieceTokenizer pitchTokenizer(int sleepMsPerFile = 0) {
    dataset::PieceTokenizer t;
    t.config = {{"name", "pitch-test"}, {"version", 1}};
    t.vocabSize = 130;
    t.encode = [sleepMsPerFile](const midi::MidiFile& mf) {
        if (sleepMsPerFile > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleepMsPerFile));
        dataset::EncodedPiece p;
        std::vector<midi::Note> notes;
        for (const auto& tr : mf.tracks)
            for (const auto& n : tr.notes) {
                if (n.channel == 9) {
                    ++p.droppedNotes;
                    continue;
                }
                notes.push_back(n);
            }
        std::sort(notes.begin(), notes.end(), [](const midi::Note& a, const midi::Note& b) {
            return a.start != b.start ? a.start < b.start : a.pitch < b.pitch;
        });
        const std::uint64_t bar = 4ull * (mf.division.kind == midi::Division::Kind::Ppq ? mf.division.ticksPerBeat : 96);
        std::uint64_t nextBar = 0;
        for (const auto& n : notes) {
            while (n.start >= nextBar) {
                p.barOffsets.push_back(std::uint32_t(p.tokens.size()));
                p.tokens.push_back(1);
                nextBar += bar;
            }
            p.tokens.push_back(std::uint16_t(2 + n.pitch));
            ++p.notes;
        }
        if (p.droppedNotes) p.warnings.push_back(std::to_string(p.droppedNotes) + " drum notes dropped");
        if (notes.empty()) p.rejection = "no piano notes";
        return p;
    };
    return t;
}

}  // namespace pm::test
