//! Where the value labels go, in pixels: each label as close as it can be to
//! its mark (above it first), never overlapping another label, and kept off
//! the marks themselves and inside the plotting area when there is room.

/// A box in pixels; `left` and `top` are inclusive, the right and bottom
/// edges exclusive, so boxes that only touch do not intersect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
}

impl Rect {
    pub fn right(&self) -> i32 {
        self.left + self.width
    }

    pub fn bottom(&self) -> i32 {
        self.top + self.height
    }

    pub fn intersects(&self, other: &Rect) -> bool {
        self.left < other.right() && other.left < self.right() && self.top < other.bottom() && other.top < self.bottom()
    }

    fn contains(&self, inner: &Rect) -> bool {
        inner.left >= self.left
            && inner.top >= self.top
            && inner.right() <= self.right()
            && inner.bottom() <= self.bottom()
    }

    /// Distance in pixels from `point` to the nearest point of the box.
    pub fn distance_to(&self, (x, y): (i32, i32)) -> i32 {
        let dx = (self.left - x).max(x - self.right()).max(0);
        let dy = (self.top - y).max(y - self.bottom()).max(0);
        (f64::from(dx).hypot(f64::from(dy))).round() as i32
    }

    /// The point of the box nearest to `point`.
    pub fn nearest_point(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (x.clamp(self.left, self.right()), y.clamp(self.top, self.bottom()))
    }
}

/// A label to place: the point it belongs to and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LabelRequest {
    /// The top of the mark, where the label would sit right above.
    pub anchor: (i32, i32),
    /// Half the mark's width, so that a label beside it clears it.
    pub half_width: i32,
    pub width: i32,
    pub height: i32,
}

/// Gap between a label and its mark.
const GAP: i32 = 4;
/// Gap between stacked labels.
const SPACING: i32 = 2;
/// How many label heights a label may move up or down from its mark.
const MAX_STEPS: i32 = 10;

/// Places every label. Labels never intersect one another; they also stay
/// off `obstacles` (the marks) and inside `bounds` unless there is no room,
/// in which case the obstacles are given up first. Returns one box per
/// request, in the same order.
pub(super) fn place(requests: &[LabelRequest], obstacles: &[Rect], bounds: Rect) -> Vec<Rect> {
    // Left to right, higher marks first: the usual reading order.
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| (requests[i].anchor.0, requests[i].anchor.1));
    let mut placed: Vec<Option<Rect>> = vec![None; requests.len()];
    let mut taken: Vec<Rect> = Vec::new();
    for i in order {
        let request = &requests[i];
        let free = |r: &Rect, avoid_marks: bool| {
            let clear_of_marks = !avoid_marks || !obstacles.iter().any(|o| o.intersects(r));
            clear_of_marks && !taken.iter().any(|t| t.intersects(r))
        };
        let candidates = candidates(request);
        let chosen = candidates
            .iter()
            .find(|r| bounds.contains(r) && free(r, true))
            .or_else(|| candidates.iter().find(|r| bounds.contains(r) && free(r, false)))
            .copied()
            .or_else(|| nearest_free_spot(request, &bounds, &|r| free(r, false)))
            .unwrap_or_else(|| {
                // No free spot inside the bounds: stack above everything placed.
                let preferred = candidates[0];
                let top = taken.iter().map(|t| t.top).min().unwrap_or(preferred.top).min(preferred.top);
                Rect { top: top - request.height - SPACING, ..preferred }
            });
        taken.push(chosen);
        placed[i] = Some(chosen);
    }
    placed.into_iter().zip(requests).map(|(rect, request)| rect.unwrap_or_else(|| candidates(request)[0])).collect()
}

/// Positions to try for one label, best first: right above the mark, then
/// stepped further up, beside it, or below it.
fn candidates(request: &LabelRequest) -> Vec<Rect> {
    let (x, y) = request.anchor;
    let (w, h) = (request.width, request.height);
    let at = |left: i32, top: i32| Rect { left, top, width: w, height: h };
    let centred = x - w / 2;
    let beside_right = x + request.half_width + GAP;
    let beside_left = x - request.half_width - GAP - w;
    let step = h + SPACING;
    let mut scored: Vec<(i32, Rect)> = Vec::new();
    for n in 0..=MAX_STEPS {
        let lift = n * step;
        scored.push((lift, at(centred, y - GAP - h - lift)));
        scored.push((lift + h, at(beside_right, y - h / 2 - lift)));
        scored.push((lift + h, at(beside_left, y - h / 2 - lift)));
        scored.push((lift + 2 * h, at(centred, y + GAP + lift)));
        if n > 0 {
            scored.push((lift + h, at(beside_right, y - h / 2 + lift)));
            scored.push((lift + h, at(beside_left, y - h / 2 + lift)));
        }
        for shift in [w / 2 + GAP, w + GAP] {
            scored.push((lift + shift + h, at(centred + shift, y - GAP - h - lift)));
            scored.push((lift + shift + h, at(centred - shift, y - GAP - h - lift)));
        }
    }
    // Stable: equal scores keep the order above.
    scored.sort_by_key(|(score, _)| *score);
    scored.into_iter().map(|(_, rect)| rect).collect()
}

/// The free spot inside `bounds` nearest the anchor, searched on a grid.
fn nearest_free_spot(request: &LabelRequest, bounds: &Rect, free: &dyn Fn(&Rect) -> bool) -> Option<Rect> {
    let (w, h) = (request.width, request.height);
    let mut best: Option<(i64, Rect)> = None;
    let mut top = bounds.top;
    while top + h <= bounds.bottom() {
        let mut left = bounds.left;
        while left + w <= bounds.right() {
            let rect = Rect { left, top, width: w, height: h };
            if free(&rect) {
                let (cx, cy) = (left + w / 2, top + h / 2);
                let dx = i64::from(cx - request.anchor.0);
                let dy = i64::from(cy - request.anchor.1);
                let distance = dx * dx + dy * dy;
                if best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, rect));
                }
            }
            left += 4;
        }
        top += 4;
    }
    best.map(|(_, rect)| rect)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Rect = Rect { left: 0, top: 0, width: 600, height: 400 };

    fn request(x: i32, y: i32) -> LabelRequest {
        LabelRequest { anchor: (x, y), half_width: 5, width: 60, height: 14 }
    }

    fn assert_apart(boxes: &[Rect]) {
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!a.intersects(b), "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn a_lone_label_sits_right_above_its_mark() {
        let boxes = place(&[request(100, 200)], &[], BOUNDS);
        assert_eq!(boxes, [Rect { left: 70, top: 200 - GAP - 14, width: 60, height: 14 }]);
    }

    #[test]
    fn labels_of_marks_at_the_same_spot_never_overlap() {
        let requests: Vec<LabelRequest> = (0..12).map(|i| request(300 + i % 3, 200 + i % 2)).collect();
        let boxes = place(&requests, &[], BOUNDS);
        assert_eq!(boxes.len(), 12);
        assert_apart(&boxes);
        assert!(boxes.iter().all(|b| BOUNDS.contains(b)));
    }

    #[test]
    fn labels_of_close_marks_are_nudged_apart_and_stay_near() {
        // Points 20 px apart in a row, as over-time marks of one year.
        let requests: Vec<LabelRequest> = (0..5).map(|i| request(200 + 20 * i, 150 + 3 * i)).collect();
        let boxes = place(&requests, &[], BOUNDS);
        assert_apart(&boxes);
        for (b, r) in boxes.iter().zip(&requests) {
            assert!(b.distance_to(r.anchor) < 100, "{b:?} strayed from {:?}", r.anchor);
        }
    }

    #[test]
    fn labels_keep_off_marks_when_there_is_room() {
        // A tall bar right of the first anchor, and a point above it.
        let bar = Rect { left: 130, top: 100, width: 40, height: 300 };
        let point = Rect { left: 95, top: 175, width: 10, height: 10 };
        let boxes = place(&[request(100, 200), request(150, 100)], &[bar, point], BOUNDS);
        assert_apart(&boxes);
        for b in &boxes {
            assert!(!b.intersects(&bar) && !b.intersects(&point), "{b:?} covers a mark");
        }
    }

    #[test]
    fn a_label_at_the_edge_stays_inside() {
        let boxes = place(&[request(2, 5), request(598, 5), request(598, 399)], &[], BOUNDS);
        assert_apart(&boxes);
        assert!(boxes.iter().all(|b| BOUNDS.contains(b)), "{boxes:?}");
    }

    #[test]
    fn a_crowded_area_still_gets_apart_labels() {
        let small = Rect { left: 0, top: 0, width: 200, height: 60 };
        let requests: Vec<LabelRequest> = (0..8).map(|i| request(100, 30 + i % 2)).collect();
        let boxes = place(&requests, &[], small);
        assert_apart(&boxes);
    }
}
