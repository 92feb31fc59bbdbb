# Rampart. Tools (buf, protoc plugins) are pinned in tools/go.mod and run with `go tool`,
# so nothing needs installing beyond Go, and generation works offline.
SHELL := bash
.DEFAULT_GOAL := help
GO ?= go
TOOL := $(GO) tool -modfile=tools/go.mod
BIN := bin
WASM_OUT := server/embed/static
# make run honours the server's own variables when they are set.
LISTEN ?= $(or $(RAMPART_LISTEN),127.0.0.1:8080)
DATABASE ?= $(or $(RAMPART_DATABASE_URL),sqlite://rampart.db)
TEST_TIMEOUT ?= 20m
MODULE := github.com/rampart-id/rampart
# Tests that exist to run the face and document models skip under the race detector
# (testenv.SkipUnderRace); server/verify's worker tests use cases decided without them.
# The store and the webhook outbox run whole (SQLite and PostgreSQL), the others with
# -short (no PostgreSQL halves), plus the worker pool tests on both databases.
RACE_PKGS := ./server/auth/... ./server/app/... ./server/widget/... ./server/verify/...
RACE_FULL_PKGS := ./server/store/... ./server/webhook/...
# go test -json through a printer: each finished test and package as it happens, a
# note of what is still running when a package is quiet, failures in full.
GOTEST := $(GO) run ./internal/testprogress
# The last released proto state: a commit in this branch's history, so the check works
# in a fresh clone without network. A release moves it forward; compare with another
# state by e.g. `make breaking BREAKING_AGAINST=.git#branch=main`.
BREAKING_AGAINST ?= .git\#ref=$(shell cat .ci/proto-baseline)

.PHONY: help
help: ## Describe make targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

.PHONY: generate
generate: ## Regenerate gen/ from proto/ (offline, local plugins)
	rm -rf gen
	$(TOOL) buf generate
	$(TOOL) buf generate --template buf.gen.gateway.yaml --path proto/rampart/partner

.PHONY: checkgenerate
checkgenerate: ## Fail if gen/ differs from what `make generate` produces
	RAMPART_CHECK_GENERATE=1 $(GO) test ./proto/ -run TestGeneratedCodeIsFresh -count=1

.PHONY: lint
lint: ## buf lint, buf format, go vet, gofmt, staticcheck
	$(TOOL) buf lint
	$(TOOL) buf format -d --exit-code
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./quality/... ./kyc/... ./order/...
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@# gen/ is generated: its findings are the generators' to fix.
	$(TOOL) staticcheck $$($(GO) list ./... | grep -v '^$(MODULE)/gen/')
	@# `go tool` would build staticcheck itself for GOOS=js: run the host binary instead.
	GOOS=js GOARCH=wasm $$($(TOOL) -n staticcheck) ./wasm/...

.PHONY: breaking
breaking: ## Fail if proto/ breaks the wire or JSON format of BREAKING_AGAINST (the released protos)
	$(TOOL) buf breaking --against '$(BREAKING_AGAINST)'

.PHONY: wasm
wasm: ## Build the widget (Go -> WebAssembly), precompressed
	$(GO) run ./server/cmd/wasmbuild -out $(WASM_OUT)

.PHONY: build
build: wasm ## Build the widget and the rampart binary
	$(GO) build -o $(BIN)/rampart ./server/cmd/rampart

.PHONY: run
run: build ## Start on the embedded SQLite store with a demo partner
	$(BIN)/rampart serve --listen $(LISTEN) --database $(DATABASE) --demo

.PHONY: test
test: wasm ## Run every test (PostgreSQL and Chromium tests skip loudly when missing)
	$(GOTEST) -count=1 -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -v /server/faults)
	@# The fault and attack tests bound latency and memory of a real server: run them
	@# alone, not beside other packages' tests on the same cores.
	$(GOTEST) -count=1 -timeout $(TEST_TIMEOUT) ./server/faults/
	GOOS=js GOARCH=wasm $(GO) build -o /dev/null ./wasm/...

.PHONY: race
race: ## Race detector over store, auth, webhook, app, widget and verify (see RACE_PKGS)
	$(GOTEST) -race -short -count=1 -timeout $(TEST_TIMEOUT) $(RACE_PKGS)
	$(GOTEST) -race -count=1 -timeout $(TEST_TIMEOUT) $(RACE_FULL_PKGS)
	$(GOTEST) -race -count=1 -timeout $(TEST_TIMEOUT) -run '^TestWorkers' ./server/verify/

.PHONY: test-short
test-short: ## Unit tests only (no PostgreSQL, no browser)
	$(GO) test -short ./...

FUZZTIME ?= 20000x
FUZZTIME_IMAGES ?= 2000x
.PHONY: fuzz
fuzz: ## Run every fuzz target briefly (FUZZTIME=20000x: a count, not a duration, which can end mid-run and fail)
	$(GO) test ./server/imageintake/ -run '^$$' -fuzz FuzzIntake -fuzztime $(FUZZTIME)
	$(GO) test ./server/auth/ -run '^$$' -fuzz FuzzTokenParsing -fuzztime $(FUZZTIME)
	$(GO) test ./server/rest/ -run '^$$' -fuzz FuzzDecodeSession -fuzztime $(FUZZTIME)
	$(GO) test ./order/ -run '^$$' -fuzz FuzzCheckAddress -fuzztime $(FUZZTIME)
	$(GO) test ./server/origin/ -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./mrz/ -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./aamva/ -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./pdf417/ -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	@# Each input is an image searched for a zone: a tenth of the count keeps it brief.
	$(GO) test ./mrz/ocr/ -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME_IMAGES)

.PHONY: bench
bench: build ## Load benchmarks (BENCH_FLAGS=-api-only for the partner API alone); writes BENCHMARKS.md from this run
	$(GO) run ./server/bench -out BENCHMARKS.md $(BENCH_FLAGS)

.PHONY: clean
clean: ## Remove build outputs
	rm -rf $(BIN) $(WASM_OUT)/*.wasm*
