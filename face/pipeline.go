package face

// Face is one detected face with its landmarks and descriptor.
type Face struct {
	Detection
	Landmarks  *Landmarks
	Descriptor *Descriptor
}
