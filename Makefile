# pg-wasm top-level build.
#
#   ./setup.sh && make demo     set up, build, and run the demo
#   ./setup.sh && make test     set up, build, and run every test
#
# The engine (decoder, validator, JIT, runtime), its CLI, tests, fuzzers and benchmarks are
# built with CMake into $(BUILD) (gcc) and $(BUILD_ASAN) (clang with AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer). The PostgreSQL extension will be built here
# with PGXS.
BUILD ?= build
BUILD_ASAN ?= build-asan
JOBS ?= $(shell nproc)

.PHONY: all engine asan test demo bench clean

all: engine

engine:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

asan:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DPGWASM_SANITIZE=ON -DPGWASM_FUZZ=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j$(JOBS)

# Every test: GoogleTest units, the spec suite in each code-generation mode, short fuzz runs;
# once with gcc and once under ASan+UBSan. The last line is "N passed, N failed".
test: engine asan
	test/run_all.sh $(BUILD) $(BUILD_ASAN)

demo: engine
	test/demo.sh $(BUILD)

# Benchmarks (not tests): peers.sh with our engine's column, and compile speed.
bench: engine
	test/bench/run_bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
