# lit configuration for prodready. Loaded through lit.site.cfg.py (generated
# into the build directory), which sets the paths of the build under test.
import os
import lit.formats

# The build under test: the generated site file holds its paths.
_site = lit_config.params.get("prodready_site")
if not _site or not os.path.exists(_site):
    lit_config.fatal("run the suite through <build>/bin/prodready-lit or ctest "
                     "(missing --param prodready_site=<build>/test/lit.site.cfg.py)")
exec(compile(open(_site).read(), _site, "exec"))

config.name = "prodready"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "unit", "tools", "sarif"]
config.test_source_root = config.prodready_test_dir
config.test_exec_root = os.path.join(config.prodready_binary_dir, "test", "lit-out")

llvm_bin = os.path.join(config.llvm_root, "bin")
other_bin = os.path.join(config.other_llvm_root, "bin")
# FileCheck, not, count, split-file and the clang tools of the LLVM under test
# come first on PATH (/usr/bin has LLVM 14 versions).
config.environment["PATH"] = os.pathsep.join([llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PRODREADY_LLVM_BIN"] = llvm_bin
for var in ("HOME", "TMPDIR", "LANG", "LC_ALL"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

harness = os.path.join(config.prodready_test_dir, "tools", "check_prodready.py")
common = "--module={} --plugin={} --binary={} --llvm-bin={}".format(
    config.module, config.plugin, config.binary, llvm_bin)

config.substitutions.append(("%check_prodready", "{} {} {}".format(config.python, harness, common)))
config.substitutions.append(("%clang_tidy", os.path.join(llvm_bin, "clang-tidy")))
config.substitutions.append(("%clangxx", os.path.join(llvm_bin, "clang++")))
config.substitutions.append(("%prodready_module", config.module))
config.substitutions.append(("%prodready_plugin", config.plugin))
config.substitutions.append(("%prodready", config.binary))
config.substitutions.append(("%other_clang_tidy", os.path.join(other_bin, "clang-tidy")))
config.substitutions.append(("%llvm_major", config.llvm_major))
config.substitutions.append(("%srcroot", config.prodready_source_dir))
config.substitutions.append(("%python", config.python))

config.available_features.add("llvm-{}".format(config.llvm_major))
if os.path.exists(os.path.join(other_bin, "clang-tidy")):
    config.available_features.add("other-llvm")
if os.path.exists("/usr/bin/psql") or os.path.exists("/usr/lib/postgresql"):
    config.available_features.add("postgresql")
