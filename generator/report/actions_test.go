package report

import (
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
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

// TestActionStatesAgree: the fast reader and YAML give the same answer
// wherever the fast one answers at all.
func TestActionStatesAgree(t *testing.T) {
	for _, src := range []string{
		"---\naction_items:\n  - title: \"Add 400 alerting\"\n    owner: SRE\n    status: done # closed\n  - title: 'It''s done'\n    status: wont-do\n---\n",
		"---\naction_items:\n- title: A plain title\n  status: In Progress\n---\n",
		"---\naction_items:\n  - title: \"Quoted \\\"escape\\\"\"\n    status: done\n---\n",
		"---\naction_items:\n  - title: >\n      folded\n    status: done\n---\n",
		"---\naction_items:\n  - {title: A, status: done}\n---\n",
	} {
		block := []byte(src[4:])
		block = block[:len(block)-4]
		fast, ok := plainBlock(block)
		var doc struct {
			Items []struct{ Title, Status string } `yaml:"action_items"`
		}
		if err := yaml.Unmarshal(block, &doc); err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		if len(fast) != len(doc.Items) {
			t.Fatalf("%q: fast %+v, yaml %+v", src, fast, doc.Items)
		}
		for i := range fast {
			st := normStatus(doc.Items[i].Status)
			if st == "" {
				st = "open"
			}
			if fast[i].Title != doc.Items[i].Title || fast[i].Status != st {
				t.Errorf("%q: fast %+v, yaml %+v", src, fast[i], doc.Items[i])
			}
		}
	}
}
