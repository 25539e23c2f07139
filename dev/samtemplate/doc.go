// Package samtemplate reads keygate's AWS SAM template (template.yaml) into Go values: the API's
// routes and which function serves each, the default REQUEST authorizer and its cache TTL, the
// gateway responses, each function's environment and IAM statements, and the table's schema.
//
// The template is the single source of truth: the local API Gateway (dev/localapi) serves what
// it describes, and dev/templatecheck's tests hold it to the design, the spec, the route table
// and the store's Go table definition. This package's own tests cover the reader, on
// testdata/intrinsics.yaml.
//
// Load parses with gopkg.in/yaml.v3 nodes so that CloudFormation's short-form tags (!Ref, !Sub,
// !GetAtt, !If, ...) survive, and resolves them best-effort:
//   - !Ref of a parameter gives its override or default; of a pseudo parameter (AWS::Region, ...)
//     a local stand-in (overridable); of a resource its name property (a log group's
//     LogGroupName, a table's TableName) when set, otherwise the override for its logical ID,
//     otherwise the logical ID itself (so TABLE_NAME reads "KeysTable" unless overridden).
//   - !GetAtt is textual: "KeysTable.Arn".
//   - !Sub replaces ${Param}, ${AWS::Region} and ${Resource} as !Ref does, and ${Resource.Attr}
//     textually; ${!Literal} becomes ${Literal}.
//   - !If, !Equals, !Not, !And, !Or, !Condition, !Join and !Select are evaluated.
package samtemplate
