package main

import "testing"

func TestLimitFor(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		live, want uint64
	}{
		{0, baseLimit},
		{200 * mb, baseLimit}, // a 10,000-report build at its largest
		{baseLimit / 7 * 2, baseLimit},
		{300 * mb, 1050 * mb},
		{600 * mb, 2100 * mb}, // a 30,000-report build
	}
	for _, tc := range tests {
		if got := limitFor(tc.live); got != tc.want {
			t.Errorf("limitFor(%d MB) = %d MB, want %d MB", tc.live/mb, got/mb, tc.want/mb)
		}
	}
	// The limit never falls as the live heap grows, and stays above the
	// heap GOGC=200 aims at, with room for what else the runtime holds.
	prev := uint64(0)
	for live := uint64(0); live < 4<<30; live += 7 * mb {
		got := limitFor(live)
		if got < prev || got < 3*live+live/2 {
			t.Fatalf("limitFor(%d MB) = %d MB after %d MB", live/mb, got/mb, prev/mb)
		}
		prev = got
	}
}
