//===- AtomicFile.cpp -----------------------------------------------------===//
#include "lib/report/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace prodready::report {

std::string writeFileAtomically(const std::string &Path, const std::string &Content) {
  std::string Tmp = Path + ".prodready-tmp." + std::to_string(getpid());
  {
    std::ofstream Out(Tmp, std::ios::binary | std::ios::trunc);
    if (!Out)
      return "cannot write '" + Tmp + "': " + std::strerror(errno);
    Out << Content;
    Out.flush();
    if (!Out) {
      std::remove(Tmp.c_str());
      return "cannot write '" + Tmp + "'";
    }
  }
  struct stat St;
  if (::stat(Path.c_str(), &St) == 0)
    ::chmod(Tmp.c_str(), St.st_mode & 07777);
  if (std::rename(Tmp.c_str(), Path.c_str()) != 0) {
    std::string Err = std::strerror(errno);
    std::remove(Tmp.c_str());
    return "cannot replace '" + Path + "': " + Err;
  }
  return "";
}

bool readFile(const std::string &Path, std::string &Out) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return false;
  std::stringstream SS;
  SS << In.rdbuf();
  Out = SS.str();
  return true;
}

} // namespace prodready::report
