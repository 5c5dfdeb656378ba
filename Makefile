# linkgate: `make run` serves on http://localhost:3000; `make test` runs every test.
# Both install the Debian packages they need first (as root, or through sudo).

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= $(shell nproc)
PORT ?= 3000

DEB_PACKAGES := g++ cmake make pkg-config libboost1.81-dev libboost-json1.81-dev \
  libboost-url1.81-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev libicu-dev \
  libspdlog-dev libfmt-dev libcli11-dev libkainjow-mustache-dev libtomlplusplus-dev \
  libgtest-dev libgmock-dev libbenchmark-dev ca-certificates
# The PostgreSQL server that the tests run as a private cluster (tests/pg/start_cluster.sh).
DEB_PACKAGES += postgresql

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build run test test-sanitize format clean

all: build

# Installs only what is missing, so a second run costs a dpkg query.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages: $$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	PORT=$(PORT) ./$(BUILD_DIR)/linkgate serve

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINKGATE_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 600

format:
	find include src tests bench examples -name '*.hpp' -o -name '*.cpp' 2>/dev/null | \
	  xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
