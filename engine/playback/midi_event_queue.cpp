#include "playback/midi_event_queue.h"

namespace pm::play {

namespace {
// The controllers that hold notes, and the ones that end them (MIDI 1.0: 120 all sound off,
// 123 all notes off; 124-127 change the mode and end notes too; 121 resets the pedals).
constexpr int kSustain = 64;
constexpr int kSostenuto = 66;
constexpr int kResetAllControllers = 121;
bool endsAllNotes(int controller) { return controller == 120 || controller >= 123; }
bool isNoteOff(const MidiMessage& m) { return m.status() == 0x80 || (m.status() == 0x90 && m.bytes[2] == 0); }
}  // namespace

void MidiHeldNotes::apply(const MidiMessage& m) {
    const int ch = m.channel();
    if (isNoteOff(m)) {
        const int i = ch * 128 + (m.bytes[1] & 0x7F);
        notes_[i >> 6] &= ~(std::uint64_t(1) << (i & 63));
    } else if (m.status() == 0x90) {
        const int i = ch * 128 + (m.bytes[1] & 0x7F);
        notes_[i >> 6] |= std::uint64_t(1) << (i & 63);
    } else if (m.status() == 0xB0) {
        const int cc = m.bytes[1];
        const std::uint16_t bit = std::uint16_t(1u << ch);
        const bool down = m.bytes[2] >= 64;
        if (cc == kSustain) sustain_ = down ? (sustain_ | bit) : (sustain_ & ~bit);
        if (cc == kSostenuto) sostenuto_ = down ? (sostenuto_ | bit) : (sostenuto_ & ~bit);
        if (cc == kResetAllControllers) {
            sustain_ &= std::uint16_t(~bit);
            sostenuto_ &= std::uint16_t(~bit);
        }
        if (endsAllNotes(cc)) notes_[2 * ch] = notes_[2 * ch + 1] = 0;
    }
}

bool MidiHeldNotes::releases(const MidiMessage& m) const {
    const int ch = m.channel();
    if (isNoteOff(m)) return noteDown(ch, m.bytes[1] & 0x7F);
    if (m.status() != 0xB0) return false;
    const int cc = m.bytes[1];
    const bool up = m.bytes[2] < 64;
    if (cc == kSustain) return up && sustainDown(ch);
    if (cc == kSostenuto) return up && sostenutoDown(ch);
    if (cc == kResetAllControllers) return sustainDown(ch) || sostenutoDown(ch);
    if (endsAllNotes(cc)) return anyNoteDown(ch);
    return false;
}

int MidiHeldNotes::notesDown() const {
    int n = 0;
    for (std::uint64_t word : notes_)
        for (; word; word &= word - 1) ++n;
    return n;
}

bool MidiHeldNotes::empty() const { return sustain_ == 0 && sostenuto_ == 0 && notesDown() == 0; }

std::vector<MidiInputEvent> MidiHeldNotes::releaseAll(double seconds) {
    std::vector<MidiInputEvent> out;
    for (int ch = 0; ch < 16; ++ch)
        for (int note = 0; note < 128; ++note)
            if (noteDown(ch, note)) out.push_back({seconds, MidiMessage::noteOff(ch, note)});
    for (int ch = 0; ch < 16; ++ch) {
        if (sustainDown(ch)) out.push_back({seconds, MidiMessage::controlChange(ch, kSustain, 0)});
        if (sostenutoDown(ch)) out.push_back({seconds, MidiMessage::controlChange(ch, kSostenuto, 0)});
    }
    for (const MidiInputEvent& e : out) apply(e.message);
    return out;
}

MidiEventQueue::MidiEventQueue() : ring_(new MidiInputEvent[kCapacity]) {}

bool MidiEventQueue::push(const MidiInputEvent& event) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    // The consumer may have taken more since; a stale tail only makes the queue look fuller.
    const std::uint64_t waiting = head - tail_.load(std::memory_order_acquire);
    const bool release = queued_.releases(event.message);
    if (waiting >= (release ? kCapacity : kOrdinaryLimit)) {
        // Single writer: load + store, no read-modify-write needed.
        auto& counter = release ? releasesDropped_ : dropped_;
        counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
    }
    ring_[head % kCapacity] = event;
    head_.store(head + 1, std::memory_order_release);
    queued_.apply(event.message);
    pushed_.store(pushed_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (waiting + 1 > highWater_.load(std::memory_order_relaxed))
        highWater_.store(std::size_t(waiting + 1), std::memory_order_relaxed);
    return true;
}

std::size_t MidiEventQueue::drain(std::vector<MidiInputEvent>* out) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    out->reserve(out->size() + std::size_t(head - tail));
    for (std::uint64_t t = tail; t != head; ++t) out->push_back(ring_[t % kCapacity]);
    tail_.store(head, std::memory_order_release);
    return std::size_t(head - tail);
}

}  // namespace pm::play
