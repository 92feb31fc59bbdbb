package auth

import "testing"

func TestInFlightCapsPerKeyAndInTotal(t *testing.T) {
	f := NewInFlight(2, 3)
	r1, ok1 := f.Acquire("a")
	_, ok2 := f.Acquire("a")
	if _, ok := f.Acquire("a"); !ok1 || !ok2 || ok {
		t.Fatalf("per-key cap: got %v %v then a third admitted=%v", ok1, ok2, ok)
	}
	if _, ok := f.Acquire("b"); !ok {
		t.Fatal("another key is refused below the total cap")
	}
	if _, ok := f.Acquire("c"); ok {
		t.Fatal("total cap of 3 not enforced")
	}
	r1()
	r1() // a second release must not free a second place
	if _, ok := f.Acquire("c"); !ok {
		t.Fatal("a released place is not reusable")
	}
	if _, ok := f.Acquire("d"); ok {
		t.Fatal("double release freed two places")
	}
}
