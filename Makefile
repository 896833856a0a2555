# flume-ws: a thin wrapper over `deno task`, plus the bootstrap of a pinned Deno.
#
# A `deno` on PATH is used when it is a 2.9.x release; otherwise the pinned
# version is installed from the npm registry (the `deno` package ships the
# binary) into .tools/, which git ignores. Nothing needs installing by hand.

DENO_VERSION := 2.9.6
DENO_HOME := $(CURDIR)/.tools/deno-$(DENO_VERSION)
LOCAL_DENO := $(DENO_HOME)/bin/deno

PATH_DENO := $(shell command -v deno 2>/dev/null)
PATH_DENO_OK := $(shell [ -n "$(PATH_DENO)" ] && "$(PATH_DENO)" --version 2>/dev/null | head -n 1 | grep -q '^deno 2\.9\.' && echo yes)
ifeq ($(PATH_DENO_OK),yes)
DENO := $(PATH_DENO)
else
DENO := $(LOCAL_DENO)
endif

CONF ?= conf/flume.conf
AGENT ?= a1
# The demo feed that conf/flume.conf connects to: started only for that file.
FEED_PORT ?= 8765

.PHONY: setup print-deno run test check fmt lint bench build clean

## setup: install the pinned Deno (no-op when a 2.9.x deno is on PATH)
setup: $(DENO)

$(LOCAL_DENO):
	@command -v npm >/dev/null || { echo "make: npm is needed to install Deno $(DENO_VERSION)" >&2; exit 1; }
	@echo "Installing Deno $(DENO_VERSION) from the npm registry into $(DENO_HOME)" >&2
	@mkdir -p $(DENO_HOME)/bin
	@npm install --prefix $(DENO_HOME) --no-save --ignore-scripts --no-audit --no-fund --loglevel=error deno@$(DENO_VERSION) >&2
	@bin=$$(ls $(DENO_HOME)/node_modules/@deno/*/deno 2>/dev/null | head -n 1); \
	  [ -x "$$bin" ] || { echo "make: no Deno binary for this platform in the npm package" >&2; exit 1; }; \
	  ln -sf "$$bin" $(LOCAL_DENO)
	@$(LOCAL_DENO) --version | head -n 1 >&2

## print-deno: print the absolute path of the deno every target uses
print-deno: $(DENO)
	@echo $(abspath $(DENO))

## run: the agent on $(CONF) as $(AGENT); with the default file, the demo feed too
run: $(DENO)
	@if [ "$(CONF)" = conf/flume.conf ] && [ -n "$(FEED_PORT)" ]; then \
	  $(DENO) task feed --port $(FEED_PORT) --rate 5 & feed=$$!; \
	  trap 'kill $$feed 2>/dev/null' EXIT; \
	  sleep 1; \
	fi; \
	$(DENO) task agent -n $(AGENT) -f $(CONF)

## test: formatting, lint, type check, then every test
test: $(DENO)
	$(DENO) task check
	$(DENO) task test

check: $(DENO)
	$(DENO) task check

fmt: $(DENO)
	$(DENO) fmt

lint: $(DENO)
	$(DENO) lint

## bench: the benchmarks (not part of `make test`)
bench: $(DENO)
	$(DENO) task bench

## build: a single executable in dist/ (needs Deno's release host or DENORT_BIN)
build: $(DENO)
	$(DENO) task build

clean:
	rm -rf dist .tools
