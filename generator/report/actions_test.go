package report

import (
	"reflect"
	"testing"
)

func TestActionStates(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []ActionState
	}{
		{"block style", "---\ntitle: x\naction_items:\n  - title: A\n    status: done\n  - title: B\n    status: In Progress\ntimeline: []\n---\nbody\n",
			[]ActionState{{"A", "done"}, {"B", "in-progress"}}},
		{"flow style at column 0", "---\naction_items:\n- {title: A, status: wont-do}\n- {title: 'B: c'}\nreviewers: []\n---\n",
			[]ActionState{{"A", "wont-do"}, {"B: c", "open"}}},
		{"last key", "---\ntitle: x\naction_items:\n  - title: A\n    status: done\n---\n", []ActionState{{"A", "done"}}},
		{"none", "---\ntitle: x\n---\n", nil},
		{"empty list", "---\naction_items: []\n---\n", []ActionState{}},
		{"template layout", "# T\n\n## Action Items\n\n| Action | Owner | Deadline | Status | Priority |\n|---|---|---|---|---|\n| Fix it | Eng | 2025-10-15 | Done | P1 |\n",
			[]ActionState{{"Fix it", "done"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ActionStates("r/x.md", []byte(tc.src), opts())
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
