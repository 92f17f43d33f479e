// The notes of one MIDI file in seconds, for a quick piano-roll preview.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pm::dataset {

struct PreviewNote {
    double start = 0, end = 0;   // seconds
    int pitch = 60, velocity = 64;
};

struct NotePreview {
    std::string path;
    std::vector<PreviewNote> notes;   // sorted by start; at most maxNotes
    double durationSeconds = 0;
    std::string error;                // non-empty when the file could not be read
};

NotePreview previewNotes(const std::string& path, std::size_t maxNotes = 20000);

}  // namespace pm::dataset
