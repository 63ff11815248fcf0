// Package cachefile frames the files hindsight keeps between builds: a
// magic line naming the format, fields of unsigned and zig-zag varints
// and length-prefixed bytes, and a CRC-32 of it all at the end. A file
// whose magic, checksum or fields are not right reads as none, which
// costs the next build only the work the file would have saved. The
// fields decode without reflection or a copy: on a large site a
// rebuild reads tens of thousands of records before anything else.
package cachefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"
)

// Open checks data's magic and checksum and returns a Reader of its
// fields; ok is false for a file of another format or a damaged one.
func Open(data []byte, magic string) (r *Reader, ok bool) {
	body, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok || len(body) < 4 {
		return nil, false
	}
	body, sum := body[:len(body)-4], body[len(body)-4:]
	if crc32.ChecksumIEEE(data[:len(data)-4]) != binary.LittleEndian.Uint32(sum) {
		return nil, false
	}
	return &Reader{b: body}, true
}

// Reader reads the fields of a file, in the order they were written.
// A field that is not there sets Bad and reads as zero; so do the ones
// after it.
type Reader struct {
	b   []byte
	Bad bool
}

// Done says whether every field was read and each was there.
func (r *Reader) Done() bool { return !r.Bad && len(r.b) == 0 }

// Left is how many bytes are still to be read: a count read from the
// file can be checked against it before anything is made that size.
func (r *Reader) Left() int { return len(r.b) }

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.Bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed varint (binary.AppendVarint's zig-zag form).
func (r *Reader) Varint() int64 {
	u := r.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Bytes reads length-prefixed bytes: a slice of the file's data, which
// the caller must not change.
func (r *Reader) Bytes() []byte {
	n := r.Uvarint()
	if n > uint64(len(r.b)) {
		r.Bad, r.b = true, nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// String reads length-prefixed bytes as a string of its own.
func (r *Reader) String() string { return string(r.Bytes()) }

// Fixed reads n bytes that were written without a length. Like every
// field not there, a short one reads as zero: n zero bytes, so that a
// caller may convert the result to an array of n.
func (r *Reader) Fixed(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.Bad, r.b = true, nil
		return make([]byte, max(n, 0))
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// Writer writes a file's fields through a buffer, summing them as it
// goes; Close writes the checksum.
type Writer struct {
	w   io.Writer
	bw  *bufio.Writer
	sum hash.Hash32
	tmp [binary.MaxVarintLen64]byte
}

// NewWriter starts a file of the format magic on w.
func NewWriter(w io.Writer, magic string) *Writer {
	sum := crc32.NewIEEE()
	c := &Writer{w: w, bw: bufio.NewWriterSize(io.MultiWriter(w, sum), 64<<10), sum: sum}
	c.bw.WriteString(magic)
	return c
}

// Uvarint writes an unsigned varint.
func (c *Writer) Uvarint(v uint64) { c.bw.Write(binary.AppendUvarint(c.tmp[:0], v)) }

// Varint writes a signed varint.
func (c *Writer) Varint(v int64) { c.bw.Write(binary.AppendVarint(c.tmp[:0], v)) }

// Bytes writes b with its length.
func (c *Writer) Bytes(b []byte) {
	c.Uvarint(uint64(len(b)))
	c.bw.Write(b)
}

// String writes s with its length.
func (c *Writer) String(s string) {
	c.Uvarint(uint64(len(s)))
	c.bw.WriteString(s)
}

// Fixed writes b without a length: the reader knows it.
func (c *Writer) Fixed(b []byte) { c.bw.Write(b) }

// Close writes what is buffered and the checksum after it; the first
// write error, if any.
func (c *Writer) Close() error {
	if err := c.bw.Flush(); err != nil {
		return err
	}
	_, err := c.w.Write(binary.LittleEndian.AppendUint32(nil, c.sum.Sum32()))
	return err
}
