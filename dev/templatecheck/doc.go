// Package templatecheck holds the contract between template.yaml and the code: tests only, read
// through dev/samtemplate, that fail when the two drift apart.
//
// They check that the template's API events are the route table's routes (shared/routes), each
// function's IAM statements grant what it needs and nothing else, the usage plans, the gateway
// responses (the spec's 401 and 403 bodies byte for byte), CORS as shared/httpapi writes it, the
// upstream's proxy routes, the table as shared/store defines it, the functions' runtime and
// environment, env.json and samconfig.toml, the Makefile's build targets (static arm64 bootstraps
// that link no development code), and that cfn-lint finds nothing in the template or in what SAM
// transforms it into.
//
// Tests of the template reader itself (parsing, intrinsic functions) stay in dev/samtemplate,
// against its own fixture.
package templatecheck
