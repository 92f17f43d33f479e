// How PianoMuse's processes ask GNU OpenMP not to spin (one source for the CLI and the app).
//
// Debian's and pip's LibTorch parallelise with libgomp, whose idle threads spin. When anything
// else keeps a core busy (a generation beside training in the app, another program), the spinning
// threads fight it: on a 2-core machine a training step took 2-5x longer (docs/training.md,
// "A busy machine"). libgomp reads OMP_WAIT_POLICY once, when it loads, before main(), so a process
// that wants PASSIVE sets it and runs itself again. A value the user set wins.
#pragma once

namespace pm {

// Linux: when OMP_WAIT_POLICY is unset, sets it to PASSIVE and re-executes /proc/self/exe with
// `argv` (does not return then). Returns false when it did nothing (set already, other systems,
// or the exec failed — e.g. no /proc in a chroot — in which case the variable is unset again).
bool preferPassiveOpenMp(char** argv);

}  // namespace pm
