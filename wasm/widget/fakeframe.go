//go:build !js

package widget

// TopLevel implements Browser: false (framed by a host page) unless SetTopLevel.
func (f *FakeBrowser) TopLevel() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.topLevel
}

// SetTopLevel makes the page top-level (opened directly, not framed).
func (f *FakeBrowser) SetTopLevel() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.topLevel = true
}

// Navigate implements Browser.
func (f *FakeBrowser) Navigate(url string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.navigated = append(f.navigated, url)
	f.notify()
}

// WatchHeight implements Browser; SetHeight plays a content height change.
func (f *FakeBrowser) WatchHeight(fn func(int)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onHeight = fn
}

// SetHeight reports a new content height to the widget, as a ResizeObserver would.
func (f *FakeBrowser) SetHeight(h int) {
	f.mu.Lock()
	fn := f.onHeight
	f.mu.Unlock()
	if fn != nil {
		fn(h)
	}
}

// SetDialog implements Browser.
func (f *FakeBrowser) SetDialog() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dialog = true
}

// Dialog reports whether SetDialog was called.
func (f *FakeBrowser) Dialog() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dialog
}

// PressEscape plays the Escape key.
func (f *FakeBrowser) PressEscape() {
	f.mu.Lock()
	fn := f.listen
	f.mu.Unlock()
	if fn != nil {
		fn(Event{Type: Escape})
	}
}
