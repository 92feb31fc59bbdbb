package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// A simulated person: the portrait of one face of the demo photos on a generated passport,
// and recordings of that person doing challenges (made once per challenge, then sent
// as often as needed).
type person struct {
	p        facetest.Portrait
	passport []byte
	mu       sync.Mutex
	videos   map[string][]*widgetv1.LivenessFrame
}

var (
	peopleOnce sync.Once
	people     []*person
	peopleErr  error
)

// personFor returns the i-th person (modulo how many there are).
func personFor(i int) (*person, error) {
	peopleOnce.Do(func() {
		ps, err := facetest.Portraits()
		if err != nil {
			peopleErr = err
			return
		}
		for k, p := range ps {
			doc := doctest.Random(doctest.Passport, int64(k), time.Now())
			doc.Person.Portrait = p
			page, _ := doctest.Render(doc)
			people = append(people, &person{p: p, passport: jpegOf(doctest.Photograph(page, 1, int64(k)), 90), videos: map[string][]*widgetv1.LivenessFrame{}})
		}
	})
	if peopleErr != nil {
		return nil, peopleErr
	}
	return people[i%len(people)], nil
}

func (pp *person) video(c liveness.Challenge) []*widgetv1.LivenessFrame {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if v, ok := pp.videos[c.String()]; ok {
		return v
	}
	var v []*widgetv1.LivenessFrame
	for _, f := range facetest.LiveVideo(pp.p, c) {
		v = append(v, &widgetv1.LivenessFrame{Image: jpegOf(f.Image, 85), AtMs: int32(f.AtMS), Step: int32(f.Step)})
	}
	pp.videos[c.String()] = v
	return v
}

// uploadPassport sends the person's passport page.
func (pp *person) uploadPassport(ctx context.Context, api rpc.API) error {
	_, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: pp.passport})
	return err
}

// answer asks for a challenge and sends the person's recording of it, after waiting
// as long as the recording claims to have taken (the server checks).
func (pp *person) answer(ctx context.Context, api rpc.API) error {
	ch, err := api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{})
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := liveness.FromProto(ch.GetMoves())
	if err != nil {
		return fmt.Errorf("challenge: %w", err)
	}
	frames := pp.video(c)
	time.Sleep(time.Duration(frames[len(frames)-1].GetAtMs())*time.Millisecond - time.Since(start))
	_, err = api.SubmitLiveness(ctx, &widgetv1.SubmitLivenessRequest{ChallengeId: ch.GetChallengeId(), Frames: frames})
	return err
}
