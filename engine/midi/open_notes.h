// The notes of one track that are sounding, as first-in-first-out queues per (channel, pitch):
// a note-off closes the earliest open note of its key. The queues are linked lists threaded
// through the indices of the track's note vector, so opening a note allocates nothing beyond
// the note itself, and starting the next track is O(1) (a generation counter, not a 16 KB clear).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace pm::midi {

class OpenNotes {
public:
    static constexpr std::int32_t kNone = -1;

    void startTrack(std::size_t expectedNotes) {
        if (++generation_ == 0) {   // wrapped after 4 billion tracks: clear for real
            generation_ = 1;
            keyGeneration_.fill(0);
        }
        next_.clear();
        next_.reserve(expectedNotes);
    }

    // `noteIndex` is the index the new note got in the track's vector (indices only grow).
    void open(std::uint8_t channel, std::uint8_t pitch, std::int32_t noteIndex) {
        const unsigned key = keyOf(channel, pitch);
        next_.push_back(kNone);
        if (keyGeneration_[key] != generation_) {
            keyGeneration_[key] = generation_;
            head_[key] = tail_[key] = noteIndex;
            return;
        }
        if (tail_[key] == kNone)
            head_[key] = noteIndex;
        else
            next_[std::size_t(tail_[key])] = noteIndex;
        tail_[key] = noteIndex;
    }

    // The index of the note this note-off closes, or kNone for an orphan note-off.
    std::int32_t closeOldest(std::uint8_t channel, std::uint8_t pitch) {
        const unsigned key = keyOf(channel, pitch);
        if (keyGeneration_[key] != generation_) return kNone;
        const std::int32_t oldest = head_[key];
        if (oldest == kNone) return kNone;
        head_[key] = next_[std::size_t(oldest)];
        if (head_[key] == kNone) tail_[key] = kNone;
        return oldest;
    }

private:
    static unsigned keyOf(std::uint8_t channel, std::uint8_t pitch) { return unsigned(channel) << 7 | pitch; }

    std::uint32_t generation_ = 0;
    std::array<std::uint32_t, 16 * 128> keyGeneration_{};   // a key's queue is valid in this generation only
    std::array<std::int32_t, 16 * 128> head_, tail_;          // read only for keys of this generation
    std::vector<std::int32_t> next_;                          // per note: the next open note of its key
};

}  // namespace pm::midi
