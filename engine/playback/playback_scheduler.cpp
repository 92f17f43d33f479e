#include "playback/playback_scheduler.h"

#include "midi/tempo_map.h"

#include <algorithm>

namespace pm::play {

namespace {
// Rank at equal times: offs first (a re-struck key must be released before it sounds again),
// then pedal, then note-ons.
int rank(const MidiMessage& m) {
    if (m.status() == 0x80) return 0;
    if (m.status() == 0xB0) return 1;
    return 2;
}
bool before(const TimedMessage& a, const TimedMessage& b) {
    return a.seconds != b.seconds ? a.seconds < b.seconds : rank(a.message) < rank(b.message);
}
// Longest wait between looks at the stop flag and new messages: stop() answers within this.
constexpr double kMaxSleep = 0.01;
}  // namespace

void sortTimeline(std::vector<TimedMessage>& timeline) { std::stable_sort(timeline.begin(), timeline.end(), before); }

std::vector<TimedMessage> timelineFromEvents(const std::vector<pm::tok::DecodedEvent>& events) {
    std::vector<TimedMessage> out;
    for (const auto& e : events) {
        using K = pm::tok::DecodedEvent::Kind;
        if (e.kind == K::Note) {
            out.push_back({e.note.startSeconds, MidiMessage::noteOn(0, e.note.pitch, std::max<int>(e.note.velocity, 1))});
            out.push_back({e.note.endSeconds, MidiMessage::noteOff(0, e.note.pitch)});
        } else if (e.kind == K::PedalDown || e.kind == K::PedalUp) {
            out.push_back({e.seconds, MidiMessage::sustain(0, e.kind == K::PedalDown)});
        }
    }
    sortTimeline(out);
    return out;
}

std::vector<TimedMessage> timelineFromFile(const pm::midi::MidiFile& file) {
    std::vector<TimedMessage> out;
    const pm::midi::TempoMap map(file.division, file.tempos);
    for (const auto& track : file.tracks) {
        for (const auto& n : track.notes) {
            out.push_back({n.startSeconds, MidiMessage::noteOn(n.channel, n.pitch, std::max<int>(n.velocity, 1))});
            out.push_back({n.endSeconds, MidiMessage::noteOff(n.channel, n.pitch)});
        }
        for (const auto& s : track.sustain)
            out.push_back({map.seconds(s.tick), MidiMessage::controlChange(s.channel, 64, s.value)});
    }
    sortTimeline(out);
    return out;
}

PlaybackScheduler::PlaybackScheduler(MidiOutput& output, PlaybackClock& clock) : output_(output), clock_(clock) {}

PlaybackScheduler::~PlaybackScheduler() { stop(); }

void PlaybackScheduler::append(std::vector<TimedMessage> messages) {
    sortTimeline(messages);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& m : messages) {
            auto at = std::upper_bound(timeline_.begin(), timeline_.end(), m, before);
            // Already past what was sent (a note that arrived late): it goes out next, late,
            // rather than never.
            if (at < timeline_.begin() + std::ptrdiff_t(next_)) at = timeline_.begin() + std::ptrdiff_t(next_);
            timeline_.insert(at, m);
        }
    }
    wake_.notify_all();
}

void PlaybackScheduler::markComplete() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        complete_ = true;
    }
    wake_.notify_all();
}

void PlaybackScheduler::clear() {
    stop();
    std::lock_guard<std::mutex> lock(mutex_);
    timeline_.clear();
    next_ = 0;
    complete_ = false;
    idlePosition_ = 0;
    error_.clear();
}

void PlaybackScheduler::rewindTo(double seconds) {
    next_ = std::size_t(std::lower_bound(timeline_.begin(), timeline_.end(), seconds,
                                         [](const TimedMessage& m, double t) { return m.seconds < t; }) -
                        timeline_.begin());
}

void PlaybackScheduler::restorePedalsLocked() {
    // The last sustain value sent before next_ on each channel: what is in force there.
    int value[16];
    for (int& v : value) v = -1;
    for (std::size_t i = 0; i < next_; ++i) {
        const MidiMessage& m = timeline_[i].message;
        if (m.status() == 0xB0 && m.bytes[1] == 64) value[m.channel()] = m.bytes[2];
    }
    for (int ch = 0; ch < 16; ++ch)
        if (value[ch] >= 64) output_.send(MidiMessage::controlChange(ch, 64, value[ch]));   // best effort
}

void PlaybackScheduler::play(double fromSeconds) {
    stop();
    fromSeconds = std::max(0.0, fromSeconds);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        rewindTo(fromSeconds);
        restorePedalsLocked();   // a pedal pressed before the start still holds the notes after it
        error_.clear();
        startPosition_ = fromSeconds;
        startClock_ = clock_.now();
        idlePosition_ = fromSeconds;
    }
    stopRequested_ = false;
    playing_ = true;
    thread_ = std::thread([this] { run(); });
}

void PlaybackScheduler::stop() {
    stopRequested_ = true;
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PlaybackScheduler::seek(double seconds) {
    seconds = std::max(0.0, seconds);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!playing_.load()) {   // the thread sets playing_ false under this lock, so this holds
            idlePosition_ = seconds;
            return;
        }
        // Playing: the thread sends only while holding the lock, so here nothing interleaves.
        // Notes sounding at the old place would hang on: silence them, then go on from the new
        // place with the sustain pedal as it is there.
        output_.silence();
        rewindTo(seconds);
        restorePedalsLocked();
        startPosition_ = seconds;
        startClock_ = clock_.now();
    }
    wake_.notify_all();
}

double PlaybackScheduler::position() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return playing_.load() ? startPosition_ + clock_.now() - startClock_ : idlePosition_;
}

double PlaybackScheduler::duration() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return timeline_.empty() ? 0.0 : timeline_.back().seconds;
}

std::string PlaybackScheduler::error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

std::size_t PlaybackScheduler::pump(double seconds, bool* ok) {
    std::lock_guard<std::mutex> lock(mutex_);
    return sendDueLocked(seconds, ok);
}

std::size_t PlaybackScheduler::sendDueLocked(double seconds, bool* ok) {
    std::size_t sent = 0;
    if (ok) *ok = true;
    while (next_ < timeline_.size() && timeline_[next_].seconds <= seconds) {
        const MidiMessage m = timeline_[next_].message;
        ++next_;
        if (!output_.send(m)) {
            error_ = "the MIDI output \"" + output_.name() + "\" stopped accepting messages";
            if (ok) *ok = false;
            break;
        }
        ++sent;
    }
    return sent;
}

void PlaybackScheduler::run() {
    for (;;) {
        if (stopRequested_.load()) break;
        double dueClock;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            // Position and sending under one lock: a seek cannot slip in between.
            bool ok = true;
            sendDueLocked(startPosition_ + clock_.now() - startClock_, &ok);
            if (!ok) break;
            if (next_ >= timeline_.size()) {
                if (complete_) break;
                // Waiting for the generator: wake on append, seek or stop (real time on any clock).
                wake_.wait_for(lock, std::chrono::duration<double>(kMaxSleep));
                continue;
            }
            dueClock = startClock_ + (timeline_[next_].seconds - startPosition_);
        }
        clock_.sleepUntil(std::min(dueClock, clock_.now() + kMaxSleep));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    idlePosition_ = startPosition_ + clock_.now() - startClock_;
    output_.silence();
    playing_ = false;   // under the lock: seek() sees either a live thread or the idle position
}

}  // namespace pm::play
