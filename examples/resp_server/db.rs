//! The key space: values by key, with expiry.
//!
//! Keys with a time to live are also kept in a queue ordered by deadline.
//! A key past its deadline is removed when it is next looked up (lazy
//! expiry, as redis's `expireIfNeeded`) and by [`Db::sweep`], which the
//! server calls from a periodic task (redis's active expire cycle), so keys
//! nobody reads again do not stay in memory.

use mini_rt::time::Instant;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

/// A key; shared with the expiry queue, so a key with a TTL is stored once.
pub type Key = Rc<[u8]>;

/// A value of one of the types the server implements.
pub enum Value {
    /// A string (also what INCR and friends work on).
    Str(Vec<u8>),
    /// A list (LPUSH, LPOP, LRANGE, …).
    List(VecDeque<Vec<u8>>),
    /// A set (SADD, SPOP, …).
    Set(Box<Set>),
    /// A hash (HSET, HGET, …). Boxed, as the other large variants, so that
    /// a string entry stays small.
    #[allow(clippy::box_collection)]
    Hash(Box<HashMap<Vec<u8>, Vec<u8>>>),
    /// A sorted set (ZADD, ZPOPMIN, …).
    ZSet(Box<ZSet>),
}

impl Value {
    /// The name TYPE replies with.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Hash(_) => "hash",
            Value::ZSet(_) => "zset",
        }
    }
}

/// A set that can give up a random member in O(1) (SPOP): members in a
/// vector, with their positions in a map.
#[derive(Default)]
pub struct Set {
    members: Vec<Rc<[u8]>>,
    index: HashMap<Rc<[u8]>, usize>,
}

impl Set {
    /// Adds `m`; whether it was new.
    pub fn insert(&mut self, m: &[u8]) -> bool {
        if self.index.contains_key(m) {
            return false;
        }
        let m: Rc<[u8]> = Rc::from(m);
        self.index.insert(m.clone(), self.members.len());
        self.members.push(m);
        true
    }

    /// Removes and returns the member at `i` (< `len`).
    pub fn take(&mut self, i: usize) -> Rc<[u8]> {
        let m = self.members.swap_remove(i);
        self.index.remove(&m);
        if let Some(moved) = self.members.get(i) {
            *self.index.get_mut(moved).expect("indexed member") = i;
        }
        m
    }

    /// Whether `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        self.index.contains_key(m)
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }
}

/// A score with a total order (ZADD refuses NaN, so `total_cmp` only has
/// to tell -0 from 0, which redis treats as equal: normalised on entry).
#[derive(Clone, Copy, PartialEq)]
pub struct Score(pub f64);

impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A sorted set: members ordered by (score, member), as redis orders them.
#[derive(Default)]
pub struct ZSet {
    scores: HashMap<Rc<[u8]>, Score>,
    order: BTreeSet<(Score, Rc<[u8]>)>,
}

impl ZSet {
    /// The score of `m`, if it is a member.
    pub fn score(&self, m: &[u8]) -> Option<f64> {
        self.scores.get(m).map(|s| s.0)
    }

    /// Sets the score of `m` (adding it if new); whether it was new.
    pub fn insert(&mut self, m: &[u8], score: f64) -> bool {
        let score = Score(if score == 0.0 { 0.0 } else { score });
        if let Some((key, old)) = self.scores.get_key_value(m) {
            let (key, old) = (key.clone(), *old);
            if old != score {
                self.order.remove(&(old, key.clone()));
                self.order.insert((score, key.clone()));
                self.scores.insert(key, score);
            }
            return false;
        }
        let m: Rc<[u8]> = Rc::from(m);
        self.order.insert((score, m.clone()));
        self.scores.insert(m, score);
        true
    }

    /// Removes and returns the member with the lowest score.
    pub fn pop_min(&mut self) -> Option<(Rc<[u8]>, f64)> {
        let (score, m) = self.order.pop_first()?;
        self.scores.remove(&m);
        Some((m, score.0))
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.scores.len()
    }
}

/// A stored value and its deadline, if it has one.
pub struct Entry {
    /// The value.
    pub value: Value,
    /// When it expires, with a sequence number that tells the expiry
    /// queue's entries apart.
    deadline: Option<(Instant, u64)>,
}

/// The key space; see the module docs.
#[derive(Default)]
pub struct Db {
    map: HashMap<Key, Entry>,
    /// Keys with a deadline, by (deadline, sequence number).
    expiry: BTreeMap<(Instant, u64), Key>,
    next_seq: u64,
}

impl Db {
    /// How many keys there are (including expired keys not yet removed,
    /// as redis's DBSIZE).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// How many keys have a deadline.
    pub fn expiring(&self) -> usize {
        self.expiry.len()
    }

    /// The live entry of `key`: removes it first if it expired by `now`.
    pub fn get(&mut self, key: &[u8], now: Instant) -> Option<&mut Entry> {
        // As redis: the deadline check costs a second look-up, made only
        // while some key has a deadline.
        if !self.expiry.is_empty() {
            self.expire_if_due(key, now);
        }
        self.map.get_mut(key)
    }

    /// Whether `key` exists (and has not expired).
    pub fn contains(&mut self, key: &[u8], now: Instant) -> bool {
        self.get(key, now).is_some()
    }

    /// Stores `value` under `key` with no deadline, replacing whatever was
    /// there (and its deadline).
    pub fn set(&mut self, key: &[u8], value: Value) {
        if let Some(e) = self.map.get_mut(key) {
            e.value = value;
            if let Some(d) = e.deadline.take() {
                self.expiry.remove(&d);
            }
            return;
        }
        self.map.insert(
            Rc::from(key),
            Entry {
                value,
                deadline: None,
            },
        );
    }

    /// Like [`Db::set`] for a string, reusing the old string's allocation.
    pub fn set_str(&mut self, key: &[u8], data: &[u8]) {
        if let Some(e) = self.map.get_mut(key) {
            if let Some(d) = e.deadline.take() {
                self.expiry.remove(&d);
            }
            match &mut e.value {
                Value::Str(s) if s.capacity() <= 2 * data.len().max(16) => {
                    s.clear();
                    s.extend_from_slice(data);
                }
                v => *v = Value::Str(data.to_vec()),
            }
            return;
        }
        self.set(key, Value::Str(data.to_vec()));
    }

    /// Removes `key`; whether it existed.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        match self.map.remove(key) {
            Some(e) => {
                if let Some(d) = e.deadline {
                    self.expiry.remove(&d);
                }
                true
            }
            None => false,
        }
    }

    /// Sets (`Some`) or clears (`None`) the deadline of an existing key;
    /// whether the key exists.
    pub fn set_deadline(&mut self, key: &[u8], at: Option<Instant>) -> bool {
        let Some((k, e)) = self.map.get_key_value(key) else {
            return false;
        };
        let (k, old) = (k.clone(), e.deadline);
        if let Some(d) = old {
            self.expiry.remove(&d);
        }
        let new = at.map(|t| {
            self.next_seq += 1;
            self.expiry.insert((t, self.next_seq), k.clone());
            (t, self.next_seq)
        });
        self.map.get_mut(&k).expect("key looked up above").deadline = new;
        true
    }

    /// The deadline of a live key (`Some(None)`: the key has none).
    pub fn deadline(&mut self, key: &[u8], now: Instant) -> Option<Option<Instant>> {
        self.get(key, now).map(|e| e.deadline.map(|d| d.0))
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.map = HashMap::new();
        self.expiry = BTreeMap::new();
    }

    /// Removes up to `limit` keys whose deadline passed by `now`; how many.
    pub fn sweep(&mut self, now: Instant, limit: usize) -> usize {
        let mut removed = 0;
        while removed < limit {
            match self.expiry.first_key_value() {
                Some((&(t, _), _)) if t < now => {
                    let (_, key) = self.expiry.pop_first().expect("first entry seen above");
                    self.map.remove(&key);
                    removed += 1;
                }
                _ => break,
            }
        }
        removed
    }

    fn expire_if_due(&mut self, key: &[u8], now: Instant) {
        if let Some(Entry {
            deadline: Some((t, _)),
            ..
        }) = self.map.get(key)
        {
            // As redis: a key expires once the clock is past its deadline.
            if *t < now {
                self.remove(key);
            }
        }
    }
}
