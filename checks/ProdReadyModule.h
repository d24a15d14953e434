//===- ProdReadyModule.h - the prodready clang-tidy module ------*- C++ -*-===//
#ifndef PRODREADY_CHECKS_PRODREADYMODULE_H
#define PRODREADY_CHECKS_PRODREADYMODULE_H

/// Defined in ProdReadyModule.cpp; a front-end that links the check objects
/// statically references it so the module registration is never dropped.
extern volatile int ProdReadyModuleAnchorSource;

/// The checks this build of prodready provides (for smoke tests and --version).
inline constexpr const char *ProdReadyCheckPrefix = "prodready-";

#endif
