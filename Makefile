# linkgate: `make run` serves on http://localhost:3000; `make test` runs every test.
# Both install the Debian packages they need first (as root, or through sudo).

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
FUZZ_DIR ?= build-fuzz
# `make fuzz`: seconds per target, and which targets (fuzz/<name>.cpp).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= fuzz_normalizer fuzz_cookies fuzz_body fuzz_jwe fuzz_redirect
JOBS ?= $(shell nproc)
PORT ?= 3000

# What building and running the server needs (`make run`): the compiler, and the libraries'
# development packages (which bring the shared libraries themselves).
DEB_PACKAGES := g++ cmake make pkg-config libboost1.81-dev libboost-json1.81-dev \
  libboost-url1.81-dev libboost-context1.81-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev \
  libpq-dev libicu-dev \
  libspdlog-dev libfmt-dev libcli11-dev libkainjow-mustache-dev libtomlplusplus-dev \
  ca-certificates
# What `make package` needs besides DEB_PACKAGES: dpkg-shlibdeps (dpkg-dev) computes the
# package's Depends, and CPack finds the binaries to scan with `file`.
PACKAGE_DEB_PACKAGES := dpkg-dev file
# Debian packages that only the tests need (`make test`, never `make run`): the test frameworks,
# servers and tools the test suites start themselves on loopback, and the packaging checks. The
# PostgreSQL server runs as a private cluster (tests/pg/start_cluster.sh). nginx (Debian 12's has
# auth_request built in; nginx-light is only a transitional package there) and caddy run
# examples/gateway/ in tests/gateway/, with python3. lintian, mmdebstrap and systemd check the
# Debian package (tests/package); curl signs in through the installed package. prometheus ships
# promtool, which checks the text of /metrics (tests/integration/metrics_test.cpp).
TEST_DEB_PACKAGES := libgtest-dev libgmock-dev libbenchmark-dev postgresql nginx caddy python3 \
  $(PACKAGE_DEB_PACKAGES) lintian mmdebstrap systemd curl pgbouncer prometheus

# The Auth.js interop test (tests/interop/authjs) runs node with the @auth/core that
# package-lock.json pins. Debian's nodejs/npm are installed only when the `node`/`npm` commands
# are missing: a machine may already have Node from elsewhere (e.g. NodeSource's nodejs, which
# bundles npm and conflicts with Debian's npm package), so these are not in DEB_PACKAGES.
INTEROP_DIR := tests/interop/authjs
NODE_DEB_PACKAGES := nodejs npm
# The webhook tests' receiver (tests/webhooks/receiver.mjs) verifies deliveries with the npm
# package standardwebhooks that its package-lock.json pins.
WEBHOOKS_DIR := tests/webhooks

# The browser suite (tests/e2e) drives Debian's Chromium with the playwright-core that its
# package-lock.json pins (no browser download). Only `make test` needs them, so not `make run`.
E2E_DIR := tests/e2e
E2E_DEB_PACKAGES := chromium

# The libFuzzer targets (fuzz/) build with Debian's default clang and its compiler-rt (the
# libFuzzer, ASan and UBSan runtimes). `make test` smoke-tests them, `make fuzz` runs them.
FUZZ_DEB_PACKAGES := clang libclang-rt-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps package-deps node-deps interop-deps webhooks-deps e2e-deps fuzz-deps build server fuzz-build run \
  test package \
  test-sanitize fuzz format clean bench-deps bench-build bench bench-scale bench-micro bench-nodes

all: build

# Installs only what is missing, so a second run costs a dpkg query.
deps:
	@tools/install_missing_debs.sh "to build and run" $(DEB_PACKAGES)

# The test-only packages (TEST_DEB_PACKAGES), installed only when missing (as deps).
test-deps: deps
	@tools/install_missing_debs.sh "for the tests" $(TEST_DEB_PACKAGES)

# The packaging tools (PACKAGE_DEB_PACKAGES), installed only when missing (as deps).
package-deps: deps
	@tools/install_missing_debs.sh "for packaging" $(PACKAGE_DEB_PACKAGES)

# Installs Debian's nodejs and npm only if `node` or `npm` is not on PATH.
node-deps:
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "node or npm not found; installing Debian packages: $(NODE_DEB_PACKAGES)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(NODE_DEB_PACKAGES); \
	fi

# node_modules for the interop test, exactly as package-lock.json pins them; reinstalled when
# the lock file or package.json is newer than the last install (npm ci writes the hidden
# node_modules/.package-lock.json).
interop-deps: $(INTEROP_DIR)/node_modules/.package-lock.json

$(INTEROP_DIR)/node_modules/.package-lock.json: $(INTEROP_DIR)/package-lock.json \
    $(INTEROP_DIR)/package.json | node-deps
	cd $(INTEROP_DIR) && npm ci --no-audit --no-fund
	@touch $@

# node_modules for the webhook tests' receiver, as interop-deps does it.
webhooks-deps: $(WEBHOOKS_DIR)/node_modules/.package-lock.json

$(WEBHOOKS_DIR)/node_modules/.package-lock.json: $(WEBHOOKS_DIR)/package-lock.json \
    $(WEBHOOKS_DIR)/package.json | node-deps
	cd $(WEBHOOKS_DIR) && npm ci --no-audit --no-fund
	@touch $@

# Chromium if missing, then node_modules exactly as the lock file pins them (as interop-deps).
e2e-deps: $(E2E_DIR)/node_modules/.package-lock.json
	@tools/install_missing_debs.sh "for the browser tests" $(E2E_DEB_PACKAGES)

$(E2E_DIR)/node_modules/.package-lock.json: $(E2E_DIR)/package-lock.json $(E2E_DIR)/package.json \
    | node-deps
	cd $(E2E_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

# clang and compiler-rt if missing (as e2e-deps).
fuzz-deps:
	@tools/install_missing_debs.sh "for the fuzz targets" $(FUZZ_DEB_PACKAGES)

# Everything, tests included (so it needs the test frameworks).
build: deps test-deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DLINKGATE_TESTS=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the server binary, configured without the tests: what `make run` needs.
server: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DLINKGATE_TESTS=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS) --target linkgate

# build/linkgate_<version>_amd64.deb (CPack, packaging/): the server alone, built without tests.
package: server package-deps
	cd $(BUILD_DIR) && cpack -G DEB

# `migrate` first: a database made by an older linkgate is brought up to date (a no-op otherwise).
run: server
	./$(BUILD_DIR)/linkgate migrate
	PORT=$(PORT) ./$(BUILD_DIR)/linkgate serve

# A clang build of only the pure layers and the fuzz targets (fuzz/CMakeLists.txt).
fuzz-build: deps fuzz-deps
	cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLINKGATE_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS)

# The test suite, then a few seconds of each fuzz target over its seeds (fuzz/corpus).
test: build test-deps fuzz-build interop-deps webhooks-deps e2e-deps
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300
	cd $(FUZZ_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

# Each fuzz target for FUZZ_SECONDS over the seeds plus the corpus grown by earlier runs
# ($(FUZZ_DIR)/corpus/<target>); the full log is $(FUZZ_DIR)/fuzz-<target>.log and any crashing
# input lands in $(FUZZ_DIR)/artifacts/. Fails when a target crashes or breaks an invariant.
fuzz: fuzz-build
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  if $(FUZZ_DIR)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
	      $(FUZZ_DIR)/corpus/$$t fuzz/corpus/$$t > $(FUZZ_DIR)/fuzz-$$t.log 2>&1; then \
	    echo "$$t: no crash"; \
	  else \
	    echo "$$t: FAILED"; failed="$$failed $$t"; grep -E 'invariant failed|ERROR|SUMMARY' \
	      $(FUZZ_DIR)/fuzz-$$t.log | head -5; \
	  fi; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
	    $(FUZZ_DIR)/fuzz-$$t.log; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in$$failed (inputs in $(FUZZ_DIR)/artifacts)"; \
	  exit 1; fi

test-sanitize: deps test-deps interop-deps webhooks-deps e2e-deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINKGATE_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600

# The benchmark suite (bench/README.md): never part of `make test`. wrk and the sqlite3 shell are
# only the bench's, so they are not in DEB_PACKAGES; bench/authjs is Auth.js as the lock file pins it.
BENCH_DIR := bench/authjs
BENCH_DEB_PACKAGES := wrk sqlite3 curl

bench-deps: test-deps $(BENCH_DIR)/node_modules/.package-lock.json
	@tools/install_missing_debs.sh "for the bench" $(BENCH_DEB_PACKAGES)

$(BENCH_DIR)/node_modules/.package-lock.json: $(BENCH_DIR)/package-lock.json $(BENCH_DIR)/package.json \
    | node-deps
	cd $(BENCH_DIR) && npm ci --no-audit --no-fund
	@touch $@

# The same Release build as `make build`, plus the bench's own programs (excluded from `all`).
bench-build: bench-deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS) --target linkgate bench_server bench_micro

# Micro-benchmarks (Google Benchmark) of the hot paths' CPU work.
bench-micro: bench-build
	./$(BUILD_DIR)/bench/bench_micro

# Every load case against linkgate, Auth.js and a Beast hello-world: bench/results/latest.md.
bench: bench-micro
	BUILD_DIR=$(abspath $(BUILD_DIR)) bench/run.sh load

# Cases 2, 4 and 5 on an empty database, then with 1 000 000 users, sessions and tokens.
bench-scale: bench-build
	BUILD_DIR=$(abspath $(BUILD_DIR)) bench/run.sh scale

# Sign-in with one and two nodes on one PostgreSQL, directly and through PgBouncer:
# bench/results/nodes.md.
bench-nodes: bench-build
	BUILD_DIR=$(abspath $(BUILD_DIR)) bench/run.sh nodes

format:
	find include src tests bench examples fuzz -name '*.hpp' -o -name '*.cpp' 2>/dev/null | \
	  xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
