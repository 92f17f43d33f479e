// A value or the Diagnostic that says why there is none — how MIDI I/O reports failure without
// exceptions (std::expected is C++23; this is the small part of it we need).
#pragma once

#include "midi/midi_file.h"

#include <utility>
#include <variant>

namespace pm::midi {

template <typename T>
class Result {
public:
    Result(T value) : state_(std::move(value)) {}              // NOLINT: implicit, like std::expected
    Result(Diagnostic error) : state_(std::move(error)) {}     // NOLINT

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(state_); }
    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    const Diagnostic& error() const { return std::get<Diagnostic>(state_); }

private:
    std::variant<T, Diagnostic> state_;
};

}  // namespace pm::midi
