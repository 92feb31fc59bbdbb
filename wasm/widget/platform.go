package widget

import "strings"

// platform is where the user runs the widget, as far as the camera permission goes:
// each keeps it in a different place.
type platform string

const (
	platIOS     platform = "ios"     // Safari (or another browser) on iPhone/iPad
	platAndroid platform = "android" // Chrome (or another browser) on Android
	platApp     platform = "app"     // an app's webview (WKWebView, Android WebView, in-app browsers)
	platChrome  platform = "chrome"  // Chrome, Edge or another Chromium on a computer
	platFirefox platform = "firefox"
	platSafari  platform = "safari"  // Safari on a Mac
	platDesktop platform = "desktop" // another computer browser
)

// platforms is the order the guidance lists them in after the detected one.
var platforms = []platform{platIOS, platAndroid, platApp, platChrome, platFirefox, platSafari}

// inAppMarkers are user-agent tokens of apps that open pages in their own webview.
var inAppMarkers = []string{"FBAN", "FBAV", "Instagram", "Line/", "Twitter", "TikTok", "Snapchat", "LinkedInApp", "GSA/", "MicroMessenger"}

// detectPlatform guesses the platform from the user agent and the number of touch points
// (iPadOS presents itself as a Mac but has a touch screen). A wrong guess costs little:
// the other platforms' steps stay one tap away.
func detectPlatform(ua string, touchPoints int) platform {
	ios := strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad") || strings.Contains(ua, "iPod") ||
		(strings.Contains(ua, "Macintosh") && touchPoints > 1)
	android := strings.Contains(ua, "Android")
	for _, m := range inAppMarkers {
		if strings.Contains(ua, m) && (ios || android) {
			return platApp
		}
	}
	switch {
	case ios:
		// WKWebView leaves out the "Safari/" token every iOS browser sends.
		if !strings.Contains(ua, "Safari/") {
			return platApp
		}
		return platIOS
	case android:
		// Android WebView marks itself with "; wv)".
		if strings.Contains(ua, "; wv)") {
			return platApp
		}
		return platAndroid
	case strings.Contains(ua, "Firefox/"):
		return platFirefox
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "Chromium/") || strings.Contains(ua, "Edg/"):
		return platChrome
	case strings.Contains(ua, "Macintosh") && strings.Contains(ua, "Safari/"):
		return platSafari
	}
	return platDesktop
}

// mobile reports whether the platform is a phone or tablet.
func (p platform) mobile() bool { return p == platIOS || p == platAndroid || p == platApp }
