//! Bytes written to an upload, cut into parts of exactly `part_size` as they
//! arrive. Each part is its own allocation of exactly that size, so a part
//! in flight holds only its own bytes, and memory stays at a few parts
//! whatever the size of the upload.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};

pub struct PartBuffer {
    part_size: usize,
    full: VecDeque<Bytes>,
    current: BytesMut,
}

impl PartBuffer {
    pub fn new(part_size: usize) -> Self {
        PartBuffer { part_size, full: VecDeque::new(), current: BytesMut::new() }
    }

    pub fn push(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.current.capacity() == 0 {
                // Untouched pages cost no memory: a small upload stays small.
                self.current = BytesMut::with_capacity(self.part_size);
            }
            let take = (self.part_size - self.current.len()).min(data.len());
            self.current.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.current.len() == self.part_size {
                self.full.push_back(std::mem::take(&mut self.current).freeze());
            }
        }
    }

    /// Bytes held, not yet taken.
    pub fn buffered(&self) -> usize {
        self.full.len() * self.part_size + self.current.len()
    }

    /// A full part that can go now: one with at least a byte after it, so
    /// the last part of an upload is never empty.
    pub fn take_sendable(&mut self) -> Option<Bytes> {
        if self.full.len() > 1 || (self.full.len() == 1 && !self.current.is_empty()) {
            self.full.pop_front()
        } else {
            None
        }
    }

    /// What is left, as parts in order (the last may be short, none empty).
    pub fn drain_parts(&mut self) -> Vec<Bytes> {
        let mut parts: Vec<Bytes> = self.full.drain(..).collect();
        if !self.current.is_empty() {
            parts.push(std::mem::take(&mut self.current).freeze());
        }
        parts
    }

    /// What is left, as one body for a single PUT.
    pub fn take_all(&mut self) -> Bytes {
        let parts = self.drain_parts();
        match parts.len() {
            0 => Bytes::new(),
            1 => parts.into_iter().next().expect("one part"),
            _ => parts.concat().into(),
        }
    }

    pub fn clear(&mut self) {
        self.full.clear();
        self.current = BytesMut::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 253) as u8).collect()
    }

    #[test]
    fn parts_are_exactly_part_size_and_keep_the_order() {
        let mut b = PartBuffer::new(10);
        let d = data(35);
        for chunk in d.chunks(7) {
            b.push(chunk);
        }
        let mut sent = Vec::new();
        while let Some(p) = b.take_sendable() {
            assert_eq!(p.len(), 10);
            sent.extend_from_slice(&p);
        }
        assert_eq!(b.buffered(), 5);
        for p in b.drain_parts() {
            sent.extend_from_slice(&p);
        }
        assert_eq!(sent, d);
    }

    #[test]
    fn a_full_part_with_nothing_after_it_is_held_back() {
        let mut b = PartBuffer::new(10);
        b.push(&data(20));
        assert_eq!(b.take_sendable().map(|p| p.len()), Some(10));
        assert!(b.take_sendable().is_none(), "the last full part may be the upload's last");
        assert_eq!(b.drain_parts().len(), 1);
        assert!(b.drain_parts().is_empty());
    }

    #[test]
    fn take_all_joins_everything() {
        let mut b = PartBuffer::new(4);
        b.push(b"abcdefghij");
        assert_eq!(&b.take_all()[..], b"abcdefghij");
        assert_eq!(b.buffered(), 0);
        assert!(b.take_all().is_empty());
    }

    #[test]
    fn each_part_is_its_own_allocation() {
        let mut b = PartBuffer::new(8);
        b.push(&data(17));
        let first = b.take_sendable().unwrap();
        let second = b.take_sendable().unwrap();
        let gap = (second.as_ptr() as usize).wrapping_sub(first.as_ptr() as usize);
        assert_ne!(gap, 8, "the second part is not the tail of the first's buffer");
    }
}
