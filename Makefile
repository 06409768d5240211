# heatnet — the two commands: `make run` (Oral example) and `make test` (everything).
# Both install missing Debian packages first, then configure a Release build.

PYTHON ?= /usr/bin/python3
BUILD  ?= build
JOBS   ?= $(shell nproc)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEB_PACKAGES := build-essential cmake pkg-config libsuitesparse-dev libeigen3-dev libhdf5-dev \
  nlohmann-json3-dev libcli11-dev libfmt-dev pybind11-dev catch2 python3-dev python3-numpy \
  python3-h5py python3-pytest python3-pandas python3-matplotlib python3-setuptools python3-venv \
  python3-pip libopenblas0-serial libopenblas-serial-dev libssl-dev python3-distributed libsimdjson-dev \
  python3-geopandas python3-shapely python3-pyproj python3-fiona

# the headless browser the report tests render in (tests/python/test_report.py)
TEST_PACKAGES := chromium

# CI (.ci/run) sets WERROR=ON: every compiler warning is an error
WERROR ?= OFF
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=$(PYTHON) -DHEATNET_WERROR=$(WERROR)
PYENV := PYTHONPATH=$(CURDIR)/$(BUILD)/python HEATNET_BIN=$(CURDIR)/$(BUILD)/bin/heatnet

.PHONY: all deps build run test test-cpp test-python validate bench sanitize fuzz pip-check clean update-counts

all: build

# Installs the Debian packages of $(1) that are missing (dpkg-query knows what is installed).
define install_missing
	@missing=$$(for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# apt-get only when something is missing.
deps:
	$(call install_missing,$(DEB_PACKAGES))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p out
	$(PYENV) $(PYTHON) examples/oral/run_design.py --output-dir out
	$(PYENV) $(BUILD)/bin/heatnet report out/oral_design.h5 --network examples/oral/oral.json \
	  -o out/oral_report.html
	$(BUILD)/bin/heatnet simulate examples/oral/oral.json --profiles examples/oral/annual_profiles.csv \
	  -o out/oral_year.h5 -q
	$(PYENV) $(BUILD)/bin/heatnet report out/oral_year.h5 --network examples/oral/oral.json \
	  -o out/oral_year_report.html

test: build
	$(call install_missing,$(TEST_PACKAGES))
	cd $(BUILD) && ctest --output-on-failure
	$(PYENV) $(PYTHON) -m pytest -q tests/python
	$(PYENV) $(PYTHON) validation/run

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure

test-python: build
	$(call install_missing,$(TEST_PACKAGES))
	$(PYENV) $(PYTHON) -m pytest -q tests/python

validate: build
	$(PYENV) $(PYTHON) validation/run

# epanet-js (EPANET in WebAssembly) for the side-by-side: npm, into benchmarks/epanet-js (git-ignored)
bench: build
	@if ! [ -d benchmarks/epanet-js/node_modules/epanet-js ]; then \
	  if command -v npm >/dev/null; then \
	    npm install --prefix benchmarks/epanet-js --no-audit --no-fund epanet-js@0.9.0 || \
	      echo "epanet-js could not be installed: no side-by-side with EPANET"; \
	  else echo "npm not found (apt-get install nodejs npm): no side-by-side with EPANET"; fi; \
	fi
	$(PYENV) $(PYTHON) benchmarks/run.py --build-dir $(BUILD)
	$(PYENV) $(PYTHON) benchmarks/speed_targets.py --build-dir $(BUILD)
	$(PYENV) $(PYTHON) benchmarks/end_to_end.py --build-dir $(BUILD)  # native EPANET: HEATNET_EPANET_NATIVE=dir

# The speed guard's stored counts (ctest speed_counts): only when more work is intended.
update-counts: build
	$(BUILD)/bin/heatnet_counts --update benchmarks/counts.json

# `pip install .` into a fresh venv (Debian's numpy & co. through --system-site-packages), then
# the installed package and its `heatnet` command must work outside the source tree.
pip-check: deps
	rm -rf build-pip/venv
	$(PYTHON) -m venv --system-site-packages build-pip/venv
	build-pip/venv/bin/pip install -q --no-build-isolation --no-index .
	cd /tmp && $(CURDIR)/build-pip/venv/bin/heatnet --version
	cd /tmp && $(CURDIR)/build-pip/venv/bin/python -c "import heatnet, sys; print('heatnet', heatnet.__version__, heatnet.__file__)"

sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEATNET_SANITIZE=ON -DHEATNET_WERROR=$(WERROR) \
	  -DHEATNET_PYTHON=OFF -DHEATNET_BENCHMARKS=OFF -DPython_EXECUTABLE=$(PYTHON)
	cmake --build build-sanitize -j $(JOBS) --target heatnet_tests heatnet_cli
	cd build-sanitize && ctest --output-on-failure

# libFuzzer on the three readers, one target each (tests/fuzz/): the network JSON reader and the
# EPANET .inp importer (each + Network::build and the JSON writer), the profiles readers (+ the
# binding to a network). clang; the whole library is built with coverage instrumentation and
# ASan/UBSan. Each target runs FUZZ_SECONDS on its corpus in build-fuzz/corpus/<reader>: the seeds
# in the repo (tests/fuzz/seeds, the bad-input corpus, the robustness reproducers, examples) plus
# whatever earlier runs added. Findings (crash-*, leak-*, timeout-*) land in build-fuzz/findings.
# Routine: `make fuzz` (60 s each) in CI; before a release `make fuzz FUZZ_SECONDS=1800`.
# One reader: `make fuzz FUZZ_TARGETS=epanet_inp`.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= network_json epanet_inp profiles
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

fuzz: deps
	$(call install_missing,$(FUZZ_PACKAGES))
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHEATNET_FUZZ=ON -DHEATNET_PYTHON=OFF -DHEATNET_TESTS=OFF -DHEATNET_BENCHMARKS=OFF \
	  -DCMAKE_C_FLAGS="$(FUZZ_FLAGS)" -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)"
	cmake --build build-fuzz -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@mkdir -p build-fuzz/findings $(addprefix build-fuzz/corpus/,network_json epanet_inp profiles)
	cp tests/data/bad/*.json tests/fuzz/seeds/*.json build-fuzz/corpus/network_json/
	-find examples validation -name '*.json' -size -64k -exec cp {} build-fuzz/corpus/network_json/ \; 2>/dev/null
	cp tests/fuzz/seeds/inp/* tests/data/robustness/*.inp build-fuzz/corpus/epanet_inp/
	cp tests/fuzz/seeds/profiles/* tests/data/robustness/*.csv build-fuzz/corpus/profiles/
	@for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  build-fuzz/bin/fuzz_$$t build-fuzz/corpus/$$t -dict=tests/fuzz/$$t.dict \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/findings/ -print_final_stats=1 || exit 1; \
	done

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz out
