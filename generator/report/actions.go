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
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
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
	if states, ok := plainBlock(block); ok {
		return states, true
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

// plainBlock reads the common block-style list ("- title: ..." lines with
// plain or quoted one-line values) without a YAML parser, which is ten
// times slower; anything else makes it give up and YAML decide.
func plainBlock(block []byte) ([]ActionState, bool) {
	lines := bytes.Split(block, []byte("\n"))
	head := bytes.TrimSpace(bytes.TrimPrefix(lines[0], []byte("action_items:")))
	if len(head) > 0 && head[0] != '#' {
		return nil, false // "[]" or a flow list: YAML
	}
	var out []ActionState
	for _, l := range lines[1:] {
		t := bytes.TrimLeft(l, " ")
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if t[0] == '-' {
			t = bytes.TrimLeft(t[1:], " ")
			if len(t) == 0 {
				return nil, false
			}
			out = append(out, ActionState{Status: "open"})
		}
		if len(out) == 0 {
			return nil, false
		}
		key, val, ok := bytes.Cut(t, []byte(":"))
		if !ok || bytes.ContainsAny(key, " \t\"'{[") {
			return nil, false
		}
		v, ok := scalar(bytes.TrimSpace(val))
		if !ok {
			return nil, false
		}
		switch string(key) {
		case "title":
			out[len(out)-1].Title = v
		case "status":
			out[len(out)-1].Status = normStatus(v)
		}
	}
	return out, true
}

// scalar reads a one-line YAML value: plain (up to a comment), single
// or double quoted. Anything that could be more (flow collections, block
// scalars, anchors, tags, escapes) is refused.
func scalar(v []byte) (string, bool) {
	if len(v) == 0 {
		return "", true
	}
	switch v[0] {
	case '"':
		if len(v) < 2 || v[len(v)-1] != '"' || bytes.IndexByte(v[1:len(v)-1], '"') >= 0 || bytes.IndexByte(v, '\\') >= 0 {
			return "", false
		}
		return string(v[1 : len(v)-1]), true
	case '\'':
		if len(v) < 2 || v[len(v)-1] != '\'' {
			return "", false
		}
		return string(bytes.ReplaceAll(v[1:len(v)-1], []byte("''"), []byte("'"))), true
	case '[', '{', '>', '|', '&', '*', '!', '%', '@', '`':
		return "", false
	}
	if i := bytes.Index(v, []byte(" #")); i >= 0 {
		v = bytes.TrimSpace(v[:i])
	}
	if bytes.Contains(v, []byte(": ")) {
		return "", false
	}
	return string(v), true
}
