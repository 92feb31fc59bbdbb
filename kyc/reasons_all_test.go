package kyc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

// TestAllReasonsListsEveryCode: a reason constant added to reasons.go and forgotten in
// AllReasons would be erased from the status history by a redaction.
func TestAllReasonsListsEveryCode(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "reasons.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			for i, name := range sp.(*ast.ValueSpec).Names {
				lit, ok := sp.(*ast.ValueSpec).Values[i].(*ast.BasicLit)
				if !ok || !strings.HasPrefix(name.Name, "Reason") {
					continue
				}
				n++
				if code := strings.Trim(lit.Value, `"`); !slices.Contains(AllReasons, code) {
					t.Errorf("%s (%s) is missing from AllReasons", name.Name, code)
				}
			}
		}
	}
	if n != len(AllReasons) {
		t.Errorf("reasons.go declares %d reason codes, AllReasons holds %d", n, len(AllReasons))
	}
}
