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

void PlaybackScheduler::play(double fromSeconds) {
    stop();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        rewindTo(fromSeconds);
        error_.clear();
        startPosition_ = fromSeconds;
        startClock_ = clock_.now();
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
    if (playing_.load()) {
        stop();
        output_.silence();   // notes sounding at the old place would hang on
        play(seconds);
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    idlePosition_ = seconds;
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
    std::size_t sent = 0;
    if (ok) *ok = true;
    std::unique_lock<std::mutex> lock(mutex_);
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
        double pos;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            pos = startPosition_ + clock_.now() - startClock_;
        }
        bool ok = true;
        pump(pos, &ok);
        if (!ok) break;
        double due;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (next_ >= timeline_.size()) {
                if (complete_) break;
                // Waiting for the generator: wake on append or stop (real time on any clock).
                wake_.wait_for(lock, std::chrono::duration<double>(kMaxSleep));
                continue;
            }
            due = timeline_[next_].seconds;
        }
        const double dueClock = startClock_ + (due - startPosition_);
        clock_.sleepUntil(std::min(dueClock, clock_.now() + kMaxSleep));
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        idlePosition_ = startPosition_ + clock_.now() - startClock_;
    }
    output_.silence();
    playing_ = false;
}

}  // namespace pm::play
