package report

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// ActionState is an action item's title and status in one version of a
// report.
type ActionState struct {
	Title  string
	Status string
}

// ActionStates reads just the action items of one version of a report.
// Closure dates need every earlier version of every report, so for front
// matter it decodes only the action_items block; anything else (the
// template layout, YAML it cannot cut out) goes through Parse.
func ActionStates(relPath string, data []byte, opt Options) []ActionState {
	if states, ok := actionBlock(data); ok {
		return states
	}
	r, err := Parse(relPath, data, opt)
	if err != nil {
		return nil
	}
	out := make([]ActionState, len(r.ActionItems))
	for i, a := range r.ActionItems {
		out[i] = ActionState{a.Title, a.Status}
	}
	return out
}

// actionBlock decodes the action_items key of front matter on its own.
func actionBlock(data []byte) ([]ActionState, bool) {
	data = Normalize(data)
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return nil, false
	}
	rest := data[4:]
	end := bytes.Index(rest, []byte("\n---"))
	if end < 0 {
		return nil, false
	}
	fm := rest[:end+1]
	start := -1
	for off := 0; off < len(fm); {
		nl := bytes.IndexByte(fm[off:], '\n')
		if nl < 0 {
			nl = len(fm) - off
		}
		line := fm[off : off+nl]
		if bytes.HasPrefix(line, []byte("action_items:")) {
			start = off
			break
		}
		off += nl + 1
	}
	if start < 0 {
		return nil, true // no action items in this version
	}
	// The block runs to the next top-level key; sequence items may sit at
	// column 0 under their key.
	block := fm[start:]
	off := bytes.IndexByte(block, '\n') + 1
	for off > 0 && off < len(block) {
		nl := bytes.IndexByte(block[off:], '\n')
		if nl < 0 {
			nl = len(block) - off
		}
		line := block[off : off+nl]
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '-' && line[0] != '#' {
			block = block[:off]
			break
		}
		off += nl + 1
	}
	var doc struct {
		Items []yaml.Node `yaml:"action_items"`
	}
	if err := yaml.Unmarshal(block, &doc); err != nil {
		return nil, false
	}
	out := make([]ActionState, 0, len(doc.Items))
	for _, n := range doc.Items {
		var st ActionState
		switch n.Kind {
		case yaml.ScalarNode:
			st.Title = n.Value
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				switch n.Content[i].Value {
				case "title":
					st.Title = n.Content[i+1].Value
				case "status":
					st.Status = normStatus(n.Content[i+1].Value)
				}
			}
		default:
			return nil, false
		}
		if st.Status == "" {
			st.Status = "open"
		}
		out = append(out, st)
	}
	return out, true
}
