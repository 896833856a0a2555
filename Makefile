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
# Where `make install` puts bin/flume-ws.
PREFIX ?= $(HOME)/.local

# Deno colours its own output (task lines, test reports, errors) even into
# pipes and files: colour only when stdout and stderr are both terminals
# (GNU make sets MAKE_TERMOUT/MAKE_TERMERR then), and never with NO_COLOR set.
ifeq ($(NO_COLOR),)
ifeq ($(and $(MAKE_TERMOUT),$(MAKE_TERMERR)),)
export NO_COLOR := 1
endif
endif

.PHONY: setup print-deno run install uninstall test test-deps check fmt lint bench build clean

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
# The feed's stderr passes through a FIFO until it says it is listening: if it
# cannot listen (the port is taken), make stops instead of starting the agent.
# On another port (FEED_PORT=0 picks a free one), the agent reads a copy of
# conf/flume.conf whose endpoint names that port.
run: $(DENO)
	@conf='$(CONF)'; \
	if [ "$(CONF)" = conf/flume.conf ] && [ -n "$(FEED_PORT)" ]; then \
	  work=$$(mktemp -d "$${TMPDIR:-/tmp}/flume-ws-run.XXXXXX") || exit 1; \
	  trap 'kill $$feed 2>/dev/null; wait; rm -rf "$$work"' EXIT; \
	  trap 'exit 130' INT; trap 'exit 143' TERM; \
	  mkfifo "$$work/feed.log" || exit 1; \
	  $(DENO) task feed --port '$(FEED_PORT)' --rate 5 2>"$$work/feed.log" & feed=$$!; \
	  exec 3<"$$work/feed.log"; \
	  port=; \
	  while IFS= read -r line <&3; do \
	    printf '%s\n' "$$line" >&2; \
	    case "$$line" in *"Feed listening on ws://"*) port=$${line##*:}; port=$${port%/}; break;; esac; \
	  done; \
	  if [ -z "$$port" ]; then \
	    wait $$feed; code=$$?; \
	    echo "make: the demo feed did not start; make run FEED_PORT=PORT runs it on another port (FEED_PORT=0 picks a free one)" >&2; \
	    exit $$(( code == 0 ? 1 : code )); \
	  fi; \
	  cat <&3 >&2 & exec 3<&-; \
	  if [ "$$port" != 8765 ]; then \
	    conf="$$work/flume.conf"; \
	    sed "s|ws://127.0.0.1:8765/|ws://127.0.0.1:$$port/|" conf/flume.conf >"$$conf" || exit 1; \
	  fi; \
	fi; \
	$(DENO) task agent -n '$(AGENT)' -f "$$conf" --status-interval 5

## install: PREFIX/bin/flume-ws (PREFIX=~/.local), which runs this checkout's main.ts with this Deno
install: $(DENO)
	@perms=$$($(DENO) eval 'const task = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.agent; console.log(task.split(/\s+/).filter((a) => /^--(allow|deny)-/.test(a)).join(" "))') && \
	  [ -n "$$perms" ] || { echo "make: no --allow-* flags in deno.json's agent task" >&2; exit 1; }; \
	mkdir -p '$(PREFIX)/bin' && \
	{ printf '#!/bin/sh\n'; \
	  printf '# flume-ws: written by `make install` in %s; runs its main.ts with Deno %s.\n' '$(CURDIR)' '$(DENO_VERSION)'; \
	  printf '# Deno colours its messages even into pipes: no colour unless stdout and stderr are terminals.\n'; \
	  printf 'if [ -z "$${NO_COLOR:-}" ] && { [ ! -t 1 ] || [ ! -t 2 ]; }; then NO_COLOR=1; export NO_COLOR; fi\n'; \
	  printf "exec '%s' run %s --config '%s' '%s' \"\$$@\"\n" '$(abspath $(DENO))' "$$perms" '$(CURDIR)/deno.json' '$(CURDIR)/main.ts'; \
	} >'$(PREFIX)/bin/.flume-ws.tmp' && \
	chmod 755 '$(PREFIX)/bin/.flume-ws.tmp' && \
	mv -f '$(PREFIX)/bin/.flume-ws.tmp' '$(PREFIX)/bin/flume-ws' && \
	echo "Installed $(PREFIX)/bin/flume-ws (runs $(CURDIR)/main.ts)" >&2; \
	case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on PATH" >&2;; esac

## uninstall: remove PREFIX/bin/flume-ws
uninstall:
	rm -f '$(PREFIX)/bin/flume-ws'

## test: formatting, lint, type check, then every test
test: $(DENO)
	$(DENO) task check
	$(DENO) task test

## test-deps: a headless Chromium for the dashboard's browser test (as root: Debian's chromium package)
# Without one, `make test` still passes: the browser tests are ignored, and say why.
test-deps: $(DENO)
	$(DENO) task test-deps

check: $(DENO)
	$(DENO) task check

fmt: $(DENO)
	$(DENO) fmt

lint: $(DENO)
	$(DENO) lint

## bench: the benchmarks (not part of `make test`)
bench: $(DENO)
	$(DENO) task bench

## build: a single executable in dist/ (needs Deno's release host, DENORT_BIN or a cached denort zip)
build: $(DENO)
	@$(DENO) task build || { \
	  dl=$$($(DENO) info --json | sed -n 's/.*"denoDir": "\(.*\)".*/\1/p')/dl/release/v$$($(DENO) --version | sed -n 's/^deno \([0-9.]*\).*/\1/p'); \
	  echo "make: deno compile needs its denort runtime, which it downloads from dl.deno.land." >&2; \
	  echo "      Offline: set DENORT_BIN=/path/to/denort, or put denort-<target>.zip in $$dl/" >&2; \
	  exit 1; }
	@ls -l dist/flume-ws

clean:
	rm -rf dist .tools
