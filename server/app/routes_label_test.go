package app

import "testing"

// TestRouteLabels: metric and log route labels name the route, never an id, whatever
// the id holds once decoded.
func TestRouteLabels(t *testing.T) {
	for path, want := range map[string]string{
		"/widget/users/u1/kyc-status":            "/widget/users/{id}/kyc-status",
		"/widget/users/a%2Fidentity/kyc-status":  "/widget/users/{id}/kyc-status",
		"/widget/users/u1/identity":              "/widget/users/{id}/identity",
		"/widget/users/a%2Fkyc-status/identity":  "/widget/users/{id}/identity",
		"/widget/users/a%2Fb":                    "/widget/users/{id}",
		"/widget/users/u1":                       "/widget/users/{id}",
		"/widget/users/u1/else":                  "other",
		"/console/cases/0b8f3c2e-0000-4000-8000": "/console",
		"/widget/session":                        "/widget/session",
		"/nope":                                  "other",
	} {
		if got := routeOf(path); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", path, got, want)
		}
	}
}
