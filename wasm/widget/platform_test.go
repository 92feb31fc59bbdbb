//go:build !js

package widget

import (
	"strings"
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// Real user agents of each platform.
var userAgents = []struct {
	name  string
	ua    string
	touch int
	want  platform
}{
	{"iPhone Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 5, platIOS},
	{"iPad (desktop mode)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 5, platIOS},
	{"iOS WKWebView", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", 5, platApp},
	{"iOS Instagram", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 320.0.0.34.109", 5, platApp},
	{"Android Chrome", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", 5, platAndroid},
	{"Android WebView", "Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36", 5, platApp},
	{"Android Facebook", "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 [FBAN/EMA;FBLC/en_US;FBAV/406.0.0.12.108;]", 5, platApp},
	{"Windows Chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 0, platChrome},
	{"Windows Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", 0, platChrome},
	{"Linux Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", 0, platFirefox},
	{"Mac Safari", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 0, platSafari},
	{"unknown", "SomeBrowser/1.0", 0, platDesktop},
}

func TestDetectPlatform(t *testing.T) {
	for _, tc := range userAgents {
		if got := detectPlatform(tc.ua, tc.touch); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// On camera-denied, only the detected platform's steps are shown open; every other
// platform's steps are behind "Other devices".
func TestCameraDeniedGuidanceForPlatformFirst(t *testing.T) {
	for _, tc := range userAgents {
		t.Run(tc.name, func(t *testing.T) {
			h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, func(b *FakeBrowser) {
				b.SetCamera(CameraAvailable, ErrCameraDenied)
				b.UserAgent, b.TouchPoints = tc.ua, tc.touch
			})
			h.click("agree")
			h.click("doc-passport")
			h.screen("camera-denied")
			html := h.b.HTML()
			open, others, ok := strings.Cut(html, `<details class="others" id="other-devices">`)
			if !ok {
				t.Fatal("no Other devices disclosure")
			}
			if !strings.Contains(open, `id="guide-`+string(tc.want)+`"`) || strings.Count(open, `id="guide-`) != 1 {
				t.Errorf("shown open: %s", open)
			}
			if !strings.Contains(others, "<summary>Other devices</summary>") {
				t.Error("the disclosure has no summary")
			}
			for _, p := range platforms {
				if p != tc.want && !strings.Contains(others, `id="guide-`+string(p)+`"`) {
					t.Errorf("%s not among the other devices", p)
				}
			}
			if strings.Contains(others, `id="guide-`+string(tc.want)+`"`) {
				t.Error("the detected platform is repeated among the others")
			}
		})
	}
}
