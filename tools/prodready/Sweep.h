//===- Sweep.h - prodready sweep / merge sub-commands -----------*- C++ -*-===//
#ifndef PRODREADY_TOOLS_SWEEP_H
#define PRODREADY_TOOLS_SWEEP_H

namespace prodready::tool {

/// `prodready sweep ...`; Argv[0] is "sweep". Returns the process exit code:
/// 0 nothing new, 1 new findings at or above --fail-on, 2 usage/config/tool error.
int sweepMain(int Argc, const char **Argv);

/// `prodready merge a.json b.json ... [outputs]`: combines sweep JSON reports
/// (e.g. from CI shards) into one set of outputs. Same exit codes.
int mergeMain(int Argc, const char **Argv);

} // namespace prodready::tool

#endif
