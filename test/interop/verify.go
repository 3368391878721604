// Command verify checks Overt's receipts, tlog-proofs, checkpoints and tiles
// with the reference implementation behind Go's checksum database
// (golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog), not with
// Overt's own code (issue 5, "Independent check"). Built in GOPATH mode
// against Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run test/interop/verify.go \
//	    -vkey VKEY -receipt FILE -proof FILE \
//	    [-checkpoint FILE] [-old-checkpoint FILE] [-tiles DIR | -url URL]
//
// Checks, in order (each printed as "ok ..."; the first failure prints
// "FAIL ..." and exits 1; bad arguments exit 2):
//   - every checkpoint opens with note.Open under note.NewVerifier(vkey), and
//     its origin line is the key's name;
//   - its size and root parse with tlog.ParseTree (the C2SP origin line stands
//     where Go's tree notes have "go.sum database tree");
//   - tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(receipt)),
//     the leaf being the receipt file's bytes exactly as served;
//   - with tiles (a directory of C2SP tile paths, or the relay's URL): every
//     smaller checkpoint is consistent with the largest one, by
//     tlog.CheckTree over a proof from tlog.ProveTree on a tlog.TileHashReader
//     (which authenticates every tile against the largest root), and the
//     receipt's inclusion proof rebuilt from those tiles checks too.
//
// Imports: the standard library, note and tlog only.
package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const proofHeader = "c2sp.org/tlog-proof@v1"

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL "+format+"\n", args...)
	os.Exit(1)
}

func usage(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "usage: "+format+"\n", args...)
	os.Exit(2)
}

func ok(format string, args ...interface{}) {
	fmt.Printf("ok   "+format+"\n", args...)
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		usage("%v", err)
	}
	return data
}

// tlogProof is a parsed c2sp.org/tlog-proof@v1.
type tlogProof struct {
	index      int64
	proof      tlog.RecordProof
	checkpoint []byte
}

func parseProof(data []byte) (*tlogProof, error) {
	rest := string(data)
	next := func() (string, error) {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return "", errors.New("truncated tlog-proof")
		}
		line := rest[:i]
		rest = rest[i+1:]
		return line, nil
	}
	line, err := next()
	if err != nil || line != proofHeader {
		return nil, errors.New("first line is not " + proofHeader)
	}
	if line, err = next(); err != nil {
		return nil, err
	}
	if strings.HasPrefix(line, "extra ") {
		if line, err = next(); err != nil {
			return nil, err
		}
	}
	if !strings.HasPrefix(line, "index ") {
		return nil, errors.New("missing index line")
	}
	text := strings.TrimPrefix(line, "index ")
	index, err := strconv.ParseInt(text, 10, 64)
	if err != nil || index < 0 || strconv.FormatInt(index, 10) != text {
		return nil, errors.New("malformed index")
	}
	p := &tlogProof{index: index}
	for {
		if line, err = next(); err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		raw, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(raw) != tlog.HashSize {
			return nil, fmt.Errorf("proof line %d is not a base64 SHA-256 hash", len(p.proof)+1)
		}
		var h tlog.Hash
		copy(h[:], raw)
		p.proof = append(p.proof, h)
	}
	p.checkpoint = []byte(rest)
	return p, nil
}

// openCheckpoint opens a C2SP checkpoint with note.Open and parses its tree with tlog.ParseTree.
func openCheckpoint(what string, signed []byte, verifiers note.Verifiers, origin string) tlog.Tree {
	n, err := note.Open(signed, verifiers)
	if err != nil {
		fail("%s: note.Open: %v", what, err)
	}
	lines := strings.SplitN(n.Text, "\n", 2)
	if len(lines) != 2 || lines[0] != origin {
		fail("%s: origin line %q is not the key's name %q", what, lines[0], origin)
	}
	tree, err := tlog.ParseTree([]byte("go.sum database tree\n" + lines[1]))
	if err != nil {
		fail("%s: tlog.ParseTree: %v", what, err)
	}
	ok("%s: signed by %s, size %d, root %s", what, n.Sigs[0].Name, tree.N, tree.Hash)
	return tree
}

// tileReader serves tlog tiles from a C2SP tlog-tiles directory or URL. Go's
// Tile.Path is tile/<H>/<L>/<N>[.p/<W>]; C2SP paths have no height element
// (it is always 8): tile/<L>/<N>[.p/<W>].
type tileReader struct {
	dir, url string
	fetched  int
}

func c2spPath(t tlog.Tile) string {
	return strings.Replace(t.Path(), fmt.Sprintf("tile/%d/", t.H), "tile/", 1)
}

func (r *tileReader) Height() int { return 8 }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	client := &http.Client{Timeout: 20 * time.Second}
	for i, t := range tiles {
		path := c2spPath(t)
		var data []byte
		var err error
		if r.dir != "" {
			data, err = os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(path)))
		} else {
			var resp *http.Response
			resp, err = client.Get(strings.TrimSuffix(r.url, "/") + "/log/" + path)
			if err == nil {
				data, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("GET %s: %s", path, resp.Status)
				}
			}
		}
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s has %d bytes, want %d", path, len(data), t.W*tlog.HashSize)
		}
		out[i] = data
		r.fetched++
	}
	return out, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func main() {
	vkey := flag.String("vkey", "", "the log's verifier key (C2SP vkey)")
	receiptFile := flag.String("receipt", "", "the receipt, exactly as served by GET /v1/receipts/{id}")
	proofFile := flag.String("proof", "", "its c2sp.org/tlog-proof@v1 (GET /v1/receipts/{id}/proof)")
	checkpointFile := flag.String("checkpoint", "", "a signed checkpoint (GET /log/checkpoint)")
	oldCheckpointFile := flag.String("old-checkpoint", "", "an earlier signed checkpoint")
	tilesDir := flag.String("tiles", "", "directory holding the log's tiles at their C2SP paths (tile/0/000.p/5)")
	url := flag.String("url", "", "the relay's base URL, to fetch tiles from <url>/log/tile/...")
	flag.Parse()
	if *vkey == "" || *receiptFile == "" || *proofFile == "" {
		usage("verify -vkey VKEY -receipt FILE -proof FILE [-checkpoint FILE] [-old-checkpoint FILE] [-tiles DIR | -url URL]")
	}

	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		usage("note.NewVerifier: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	origin := verifier.Name()

	receipt := read(*receiptFile)
	p, err := parseProof(read(*proofFile))
	if err != nil {
		fail("tlog-proof: %v", err)
	}
	tree := openCheckpoint("proof checkpoint", p.checkpoint, verifiers, origin)
	leaf := tlog.RecordHash(receipt)
	if err := tlog.CheckRecord(p.proof, tree.N, tree.Hash, p.index, leaf); err != nil {
		fail("tlog.CheckRecord: receipt at index %d in tree size %d: %v", p.index, tree.N, err)
	}
	ok("tlog.CheckRecord: receipt (leaf %s) is record %d of tree size %d", leaf, p.index, tree.N)

	trees := []struct {
		what string
		tree tlog.Tree
	}{{"proof checkpoint", tree}}
	if *checkpointFile != "" {
		trees = append(trees, struct {
			what string
			tree tlog.Tree
		}{"checkpoint", openCheckpoint("checkpoint", read(*checkpointFile), verifiers, origin)})
	}
	if *oldCheckpointFile != "" {
		trees = append(trees, struct {
			what string
			tree tlog.Tree
		}{"old checkpoint", openCheckpoint("old checkpoint", read(*oldCheckpointFile), verifiers, origin)})
	}
	if *tilesDir == "" && *url == "" {
		if len(trees) > 1 {
			usage("checking consistency between checkpoints needs -tiles DIR or -url URL")
		}
		return
	}

	// The largest tree is the one the tiles are authenticated against.
	newest := trees[0]
	for _, t := range trees[1:] {
		if t.tree.N > newest.tree.N {
			newest = t
		}
	}
	tiles := &tileReader{dir: *tilesDir, url: *url}
	hashes := tlog.TileHashReader(newest.tree, tiles)
	for _, t := range trees {
		if t.what == newest.what {
			continue
		}
		switch {
		case t.tree.N == newest.tree.N:
			if t.tree.Hash != newest.tree.Hash {
				fail("%s and %s have size %d but different roots", t.what, newest.what, t.tree.N)
			}
			ok("%s and %s are the same tree", t.what, newest.what)
		case t.tree.N == 0:
			ok("%s is the empty tree", t.what)
		default:
			proof, err := tlog.ProveTree(newest.tree.N, t.tree.N, hashes)
			if err != nil {
				fail("tlog.ProveTree %d -> %d over tiles: %v", t.tree.N, newest.tree.N, err)
			}
			if err := tlog.CheckTree(proof, newest.tree.N, newest.tree.Hash, t.tree.N, t.tree.Hash); err != nil {
				fail("tlog.CheckTree: %s (size %d) is not a prefix of %s (size %d): %v",
					t.what, t.tree.N, newest.what, newest.tree.N, err)
			}
			ok("tlog.CheckTree: %s (size %d) is a prefix of %s (size %d), %d-hash proof from tiles",
				t.what, t.tree.N, newest.what, newest.tree.N, len(proof))
		}
	}
	rebuilt, err := tlog.ProveRecord(newest.tree.N, p.index, hashes)
	if err != nil {
		fail("tlog.ProveRecord %d in %d over tiles: %v", p.index, newest.tree.N, err)
	}
	if err := tlog.CheckRecord(rebuilt, newest.tree.N, newest.tree.Hash, p.index, leaf); err != nil {
		fail("tlog.CheckRecord with a proof from tiles: %v", err)
	}
	if newest.tree.N == tree.N && !bytes.Equal(hashesBytes(rebuilt), hashesBytes(p.proof)) {
		fail("the relay's inclusion proof differs from the one rebuilt from its tiles")
	}
	ok("tlog.TileHashReader: %d tiles authenticated; receipt is record %d of %s (size %d)",
		tiles.fetched, p.index, newest.what, newest.tree.N)
}

func hashesBytes(hs []tlog.Hash) []byte {
	var b []byte
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}
