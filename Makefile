# keygate — API-key authentication for API Gateway, as one SAM application.
#
#   make run     DynamoDB Local + the local API Gateway on 127.0.0.1:3000
#   make test    formatting, vet, cfn-lint and every test (DynamoDB Local included)
#
# Both install what they need first (Go modules, DynamoDB Local via npm,
# goaws — the local SQS server — with go install).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
PKGS      ?= ./...
TEST_FLAGS ?= -count=1 -timeout 30m
FUZZTIME  ?= 30s
FN        ?=
EVENT     ?=
CONFIG_ENV ?= default

# Lambda build settings: static linux/arm64 binaries named bootstrap for provided.al2023.
LAMBDA_ENV    := GOOS=linux GOARCH=arm64 CGO_ENABLED=0
LAMBDA_FLAGS  := -tags lambda.norpc -trimpath -ldflags '-s -w'
ARTIFACTS_DIR ?= build/lambda

.PHONY: help
help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-28s %s\n", $$1, $$2}'

.PHONY: tools
tools: ## install what tests and run need: Go modules, DynamoDB Local (checks Java and npm), goaws (the local SQS server)
	@$(GO) mod download
	@$(GO) run ./dev/dynamolocal/install >/dev/null
	@$(GO) run ./dev/sqslocal/install >/dev/null

.PHONY: run
run: tools ## run keygate locally: DynamoDB Local + local API Gateway on 127.0.0.1:3000 (UPSTREAM=http://127.0.0.1:8080 puts your API behind it; OPENAPI=api.yaml its scopes; PARAMS='Name=Value ...' template parameter overrides, as sam deploy --parameter-overrides)
	@$(GO) run ./dev/localapi $(if $(UPSTREAM),-param UpstreamUrl=$(UPSTREAM)) $(if $(OPENAPI),-openapi $(OPENAPI)) $(foreach p,$(PARAMS),-param '$(p)')

.PHONY: test
test: tools fmt-check vet ## run every check and test
	@echo "==> go test (one DynamoDB Local and one goaws shared by every package: dev/testrun)"
	@$(GO) run ./dev/testrun -v $(TEST_FLAGS) $(PKGS) 2>&1 | scripts/test-summary

.PHONY: fmt-check
fmt-check: ## fail if any Go file is not gofmt-formatted
	@echo "==> gofmt"
	@out="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go'))"; \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet
	@echo "==> go vet"
	@$(GO) vet $(PKGS)

.PHONY: cfn-lint
cfn-lint: ## lint template.yaml with cfn-lint (SAM translator included)
	@echo "==> cfn-lint template.yaml"
	@command -v cfn-lint >/dev/null || { echo "cfn-lint is missing: pipx install cfn-lint (or pip install cfn-lint, or brew install cfn-lint)"; exit 1; }
	@cfn-lint template.yaml

.PHONY: lint
lint: fmt-check vet cfn-lint ## gofmt, go vet and cfn-lint

.PHONY: bench
# The report goes to .local/benchmarks.md (git-ignored): a run never changes a tracked file.
# BENCH_OUT=docs/benchmarks.md records it as the published figures.
BENCH_OUT ?= .local/benchmarks.md
bench: tools ## run the benchmarks and write their report to BENCH_OUT (default .local/benchmarks.md; BENCH_OUT=docs/benchmarks.md publishes it)
	@mkdir -p $(dir $(BENCH_OUT))
	$(GO) run ./dev/bench -out $(BENCH_OUT)

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (not part of make test)
	@for target in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for fn in $$(grep -h '^func Fuzz' $$target/*_test.go | sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/'); do \
			echo "==> $$target $$fn"; \
			$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$target; \
		done; \
	done

.PHONY: invoke
invoke: tools ## run a function's real bootstrap under the Runtime API harness: make invoke FN=AuthorizerFunction EVENT=events/authorizer-valid-key.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json" >&2; exit 2; }
	@$(GO) run ./dev/localapi invoke -function $(FN) -event $(EVENT)

.PHONY: build
build: template-apidoc ## sam build where the SAM CLI exists, otherwise the same targets into build/lambda/<LogicalId>
	@if command -v sam >/dev/null; then sam build -t $(SAM_TEMPLATE); else \
		echo "make build: no SAM CLI on PATH: building each function's bootstrap into $(ARTIFACTS_DIR)/<LogicalId> instead of .aws-sam/build (install the SAM CLI to sam build and sam deploy)"; \
		for fn in AuthorizerFunction ApiKeysFunction IdentityFunction ConfigFunction JwksFunction WebhooksFunction WebhookDeliveryFunction WebhookWorkerFunction UsageAggregatorFunction; do \
			$(MAKE) --no-print-directory build-$$fn ARTIFACTS_DIR=$(ARTIFACTS_DIR)/$$fn; \
		done; fi

# Your API's OpenAPI document (docs/extend.md): when it exists, the functions that read it get it
# compiled beside their bootstrap (apidoc.json); a document keygate cannot protect fails the build.
API_DOCUMENT ?= api/openapi.yaml
export API_DOCUMENT
define compile-apidoc
	@if [ -f "$$API_DOCUMENT" ]; then $(GO) run ./cmd/keygate apidoc compile "$$API_DOCUMENT" -o "$(ARTIFACTS_DIR)/apidoc.json"; fi
endef

# With the document, sam builds template.yaml composed with its operations (docs/extend.md).
COMPOSED_TEMPLATE := template.apidoc.yaml
SAM_TEMPLATE = $(if $(wildcard $(API_DOCUMENT)),$(COMPOSED_TEMPLATE),template.yaml)

.PHONY: template-apidoc
template-apidoc: ## write template.apidoc.yaml (template.yaml with your API document's operations) when the document exists
	@if [ -f "$$API_DOCUMENT" ]; then $(GO) run ./cmd/keygate apidoc template "$$API_DOCUMENT" -o $(COMPOSED_TEMPLATE); fi

# One target per function, as `sam build` (BuildMethod: makefile) calls them.
.PHONY: build-AuthorizerFunction build-ApiKeysFunction build-IdentityFunction build-ConfigFunction build-JwksFunction build-WebhooksFunction build-WebhookDeliveryFunction build-WebhookWorkerFunction build-UsageAggregatorFunction
build-AuthorizerFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./authorizer/bootstrap
	$(compile-apidoc)
build-ApiKeysFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/apikeys/bootstrap
	$(compile-apidoc)
build-IdentityFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/identity/bootstrap
build-ConfigFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/config/bootstrap
build-JwksFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/jwks/bootstrap
build-WebhooksFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/webhooks/bootstrap
build-WebhookDeliveryFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/webhookdelivery/bootstrap
build-WebhookWorkerFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/webhookworker/bootstrap
build-UsageAggregatorFunction:
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/usageaggregator/bootstrap

.PHONY: deploy
deploy: template-apidoc ## sam build && sam deploy (CONFIG_ENV=prod for the prod environment), with your API document's operations when it exists
	@command -v sam >/dev/null || { echo "the AWS SAM CLI is required to deploy: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"; exit 1; }
	sam build -t $(SAM_TEMPLATE) && sam deploy --config-env $(CONFIG_ENV)

.PHONY: clean
clean: ## remove build output (keeps DynamoDB Local and local data)
	rm -rf build .aws-sam

.PHONY: clean-all
clean-all: clean ## also remove the DynamoDB Local cache and make run's data
	rm -rf .cache .local
