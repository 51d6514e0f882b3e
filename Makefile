# pg-wasm top-level build.
#
#   ./setup.sh && make demo     set up, build, and run the demo
#   ./setup.sh && make test     set up, build, and run every test
#
# The engine (decoder, validator, JIT, runtime), its CLI, tests, fuzzers and benchmarks are
# built with CMake into $(BUILD) (gcc) and $(BUILD_ASAN) (clang with AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer). The PostgreSQL extension (extension/*.cpp,
# linked with the engine library and asmjit) is built and installed with PGXS.
BUILD ?= build
BUILD_ASAN ?= build-asan
JOBS ?= $(shell nproc)
PG_CONFIG ?= pg_config
ASMJIT_PREFIX ?= /opt/pgwasm/asmjit

# --- the extension (PGXS) -------------------------------------------------------------------
MODULE_big = wasm
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard extension/*.cpp)))
MODULEDIR = extension
DATA = extension/wasm.control extension/wasm--1.0.sql extension/wasm--1.0--1.1.sql extension/wasm--1.1--1.2.sql
PG_CPPFLAGS = -Iengine/include -Iextension
PG_CXXFLAGS = -std=c++20 -fPIC -fno-semantic-interposition -fno-exceptions -Wall -Wextra -Wno-missing-field-initializers
# Exports only what PostgreSQL looks up (extension/exports.map).
SHLIB_LINK = $(BUILD)/libwasmengine.a $(ASMJIT_PREFIX)/lib/libasmjit.a -lstdc++ -lpthread -lrt \
             -Wl,--version-script=extension/exports.map
# C++ is not compiled to bitcode for PostgreSQL's own JIT.
override with_llvm = no
EXTRA_CLEAN = $(BUILD) $(BUILD_ASAN)

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: engine asan test demo bench installcheck-wasm

$(OBJS): $(wildcard engine/include/wasm/*.h extension/*.h) | engine
$(shlib): $(BUILD)/libwasmengine.a extension/exports.map
$(BUILD)/libwasmengine.a: engine ;

engine:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

asan:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DPGWASM_SANITIZE=ON -DPGWASM_FUZZ=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j$(JOBS)

# Every test: GoogleTest units, the spec suite in each code-generation mode, short fuzz runs
# (once with gcc and once under ASan+UBSan), then the extension's SQL tests on a throwaway
# cluster. Installs the extension first (run as root). The last line is "N passed, N failed".
test: engine asan install
	test/run_all.sh $(BUILD) $(BUILD_ASAN) --sql=$(BUILD)

# A throwaway cluster with the example modules loaded and example queries.
demo: engine install
	test/demo.sh $(BUILD)

# Benchmarks (not tests): peers.sh with our engine's column, and compile speed; the SQL
# benchmark of Wasm UDFs against LANGUAGE C and PL/pgSQL.
bench: engine install
	test/bench/run_bench.sh $(BUILD)

