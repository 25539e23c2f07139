package apidoc

// Default is the document a stack without its own protects: the
// workspace routes keygate has always forwarded to UpstreamUrl,
// /open/workspace/{workspaceId} (every method but GET, which is keygate's
// own) and everything under it, each workspace-scoped by workspaceId. Reads
// need the read or the write scope, writes the write scope, as keygate's
// own routes do. It is what api/default.yaml compiles to (a test holds
// them equal), and the template's DefinitionBody is its composition; a
// team's document replaces it.
func Default() Document {
	read := []Requirement{{Scopes: []string{"read"}}, {Scopes: []string{"write"}}}
	write := []Requirement{{Scopes: []string{"write"}}}
	op := func(name, method, path string, reqs []Requirement) Operation {
		return Operation{Name: name, Method: method, Path: path, Requirements: reqs, WorkspaceParam: "workspaceId"}
	}
	const (
		root  = "/open/workspace/{workspaceId}"
		under = root + "/{proxy+}"
	)
	return Document{
		Title: "keygate workspace routes",
		Operations: []Operation{
			op("putWorkspace", "PUT", root, write),
			op("postWorkspace", "POST", root, write),
			op("deleteWorkspace", "DELETE", root, write),
			op("patchWorkspace", "PATCH", root, write),
			op("getInWorkspace", "GET", under, read),
			op("putInWorkspace", "PUT", under, write),
			op("postInWorkspace", "POST", under, write),
			op("deleteInWorkspace", "DELETE", under, write),
			op("headInWorkspace", "HEAD", under, read),
			op("patchInWorkspace", "PATCH", under, write),
		},
		Scopes: []Scope{
			{Name: "read", Description: "read the caller's workspaces"},
			{Name: "write", Description: "read and change the caller's workspaces"},
		},
	}
}
