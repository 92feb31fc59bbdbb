package quality_test

import (
	"image"
	"slices"
	"testing"

	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

func check(t *testing.T, r quality.Report, name string) quality.Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("report has no %q check: %+v", name, r)
	return quality.Check{}
}

func TestAssessSharpDocumentsPass(t *testing.T) {
	for _, tc := range []struct {
		seed int64
		w, h int
	}{{1, 1600, 1000}, {2, 1600, 1000}, {3, 2000, 1300}, {4, 700, 1100}, {5, 1000, 600}} {
		r := quality.Assess(qualitytest.Document(tc.seed, tc.w, tc.h))
		if !r.OK() || len(r.Reasons()) != 0 {
			t.Errorf("seed %d %dx%d: want pass, got %+v", tc.seed, tc.w, tc.h, r.Checks)
		}
		if got := len(r.Checks); got != 4 {
			t.Errorf("want 4 checks, got %d", got)
		}
	}
}

// Each degradation must fail exactly its own check, so the widget gives the
// right advice.
func TestAssessDegradedDocuments(t *testing.T) {
	doc := qualitytest.Document(7, 1600, 1000)
	for _, tc := range []struct {
		name  string
		img   image.Image
		check string
		want  []string
	}{
		{"blurred", qualitytest.Blur(doc, 3), quality.CheckBlur, []string{quality.ReasonBlurry}},
		{"dark", qualitytest.Darken(doc, 0.35), quality.CheckExposure, []string{quality.ReasonTooDark}},
		{"glare", qualitytest.AddGlare(doc, 0.2), quality.CheckGlare, []string{quality.ReasonGlare}},
		{"small", qualitytest.Document(7, 400, 300), quality.CheckResolution, []string{quality.ReasonTooSmall}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := quality.Assess(tc.img)
			if r.OK() {
				t.Fatalf("want failure, got %+v", r.Checks)
			}
			if got := r.Reasons(); !slices.Equal(got, tc.want) {
				t.Errorf("reasons = %v, want %v (checks %+v)", got, tc.want, r.Checks)
			}
			if c := check(t, r, tc.check); c.Passed || c.Reason != tc.want[0] {
				t.Errorf("%s check = %+v", tc.check, c)
			}
		})
	}
}

func TestAssessOverexposed(t *testing.T) {
	r := quality.Assess(qualitytest.Darken(qualitytest.Document(8, 1600, 1000), 3))
	if c := check(t, r, quality.CheckExposure); c.Passed || c.Reason != quality.ReasonTooBright {
		t.Errorf("exposure = %+v, want %s", c, quality.ReasonTooBright)
	}
}

func TestAssessScoresAreMonotonic(t *testing.T) {
	doc := qualitytest.Document(9, 1600, 1000)
	prev := check(t, quality.Assess(doc), quality.CheckBlur).Score
	for passes := 1; passes <= 3; passes++ {
		s := check(t, quality.Assess(qualitytest.Blur(doc, passes)), quality.CheckBlur).Score
		if s >= prev {
			t.Errorf("blur score after %d passes = %.1f, not below %.1f", passes, s, prev)
		}
		prev = s
	}
	if s := check(t, quality.Assess(doc), quality.CheckResolution).Score; s != 1.6 {
		t.Errorf("resolution score = %v, want 1.6 (1600/1000)", s)
	}
}

func TestAssessEmptyImage(t *testing.T) {
	r := quality.Assess(image.NewRGBA(image.Rect(0, 0, 0, 0)))
	if r.OK() || !slices.Contains(r.Reasons(), quality.ReasonTooSmall) {
		t.Errorf("empty image: %+v", r.Checks)
	}
}

func TestReport(t *testing.T) {
	r := quality.Report{Checks: []quality.Check{
		{Name: quality.CheckResolution, Passed: true},
		{Name: quality.CheckBlur, Reason: quality.ReasonBlurry},
		{Name: quality.CheckGlare, Reason: quality.ReasonGlare},
	}}
	if r.OK() {
		t.Error("OK() with failed checks")
	}
	if got := r.Reasons(); !slices.Equal(got, []string{quality.ReasonBlurry, quality.ReasonGlare}) {
		t.Errorf("Reasons() = %v", got)
	}
	if empty := (quality.Report{}); !empty.OK() || empty.Reasons() != nil {
		t.Error("empty report must be OK with no reasons")
	}
}

func BenchmarkAssess(b *testing.B) {
	rgba := qualitytest.Document(1, 2000, 1300)
	ycc := toYCbCr(rgba)
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"RGBA_2000x1300", rgba}, {"YCbCr_2000x1300", ycc}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				quality.Assess(bc.img)
			}
		})
	}
}
