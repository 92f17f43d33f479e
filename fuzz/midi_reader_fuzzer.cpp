// libFuzzer target for the MIDI reader (build and run: scripts/fuzz-midi.sh). Besides "no crash,
// no sanitizer report", it checks the invariants the robustness tests check on every input:
//   - strict reading succeeds exactly when lenient reading succeeds without warnings, and then
//     both give the same model; a failure always has a message;
//   - the JSON summary of whatever was read can be produced (valid UTF-8 and all);
//   - the writer writes what lenient mode read, and reading that back gives the same model.
#include "midi/midi_reader.h"
#include "midi/midi_summary_json.h"
#include "midi/midi_writer.h"

#include <cstdio>
#include <cstdlib>

namespace {

void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "midi_reader_fuzzer: invariant broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pm::midi;
    ReadOptions lenientOptions;
    ReadOptions strictOptions;
    strictOptions.mode = ReadMode::Strict;
    const Result<MidiFile> lenient = readMidi(data, size, lenientOptions);
    const Result<MidiFile> strict = readMidi(data, size, strictOptions);

    if (!lenient.ok()) {
        require(!strict.ok(), "strict read a file lenient mode refused");
        require(!lenient.error().message.empty(), "a failure without a message");
        (void)errorJson(lenient.error()).dump();
        return 0;
    }
    const MidiFile& model = lenient.value();
    if (strict.ok()) {
        require(model.warnings.empty(), "strict read a file lenient mode had to repair");
        require(strict.value() == model, "strict and lenient read different models");
    } else {
        require(!model.warnings.empty(), "strict refused a file lenient mode read without repairs");
        require(!strict.error().message.empty(), "a strict failure without a message");
    }
    // The JSON's risks (text that is not UTF-8, odd numbers) do not grow with the note count,
    // and building big JSON documents would take most of the fuzzing time.
    if (model.noteCount() <= 256) {
        SummaryOptions summary;
        summary.noteSeconds = true;
        (void)summaryJson(model, summary).dump();
    }

    const Result<std::vector<std::uint8_t>> written = writeMidi(model);
    const bool writable = model.format <= 2 && (model.format != 0 || model.tracks.size() == 1);
    require(written.ok() == writable, "the writer refused a model the reader produced");
    if (!written.ok()) return 0;
    const std::vector<std::uint8_t>& bytes = written.value();
    const Result<MidiFile> back = readMidi(bytes.data(), bytes.size(), lenientOptions);
    require(back.ok(), "the reader refused what the writer wrote");
    require(back.value() == model, "write then read gave a different model");
    return 0;
}
