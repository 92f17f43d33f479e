#include "dataset/note_preview.h"

#include "midi/midi_reader.h"

#include <algorithm>

namespace pm::dataset {

NotePreview previewNotes(const std::string& path, std::size_t maxNotes) {
    NotePreview p;
    p.path = path;
    auto read = midi::readMidiFile(path);
    if (!read) {
        p.error = read.error().toString();
        return p;
    }
    const midi::MidiFile& f = read.value();
    p.durationSeconds = f.durationSeconds;
    for (const auto& track : f.tracks)
        for (const auto& n : track.notes) {
            if (n.channel == 9) continue;   // drums are not part of the music the model learns
            p.notes.push_back({n.startSeconds, n.endSeconds, n.pitch, n.velocity});
        }
    std::sort(p.notes.begin(), p.notes.end(), [](const PreviewNote& a, const PreviewNote& b) { return a.start < b.start; });
    if (p.notes.size() > maxNotes) p.notes.resize(maxNotes);
    return p;
}

}  // namespace pm::dataset
