"""One thread that owns a llama.cpp context and decodes every request in flight together.

Each step builds one `llama_batch`: the next token of every generating sequence, then chunks
of the prompts still being read, up to `n_batch` tokens. New requests join between steps
(continuous batching); a sequence leaves as soon as it ends (end of generation, a stop string,
`max_tokens`, or its request cancelled) and is kept in the cache, on a shelf, for a later
prompt with the same prefix to start from. The n answers of one request share one prompt
evaluation: the prompt is read into the first sequence and copied (`llama_memory_seq_cp`, a
copy of its KV stream) to the others before they sample. Where each sequence lives, and where
a finished one is kept, is `kv_slots.SlotTable`'s; the running sequences of a step are fed in
the order of their ids, so that llama.cpp decodes them as one batch.

With prompt lookup on (`prompt_lookup.LookupSettings`), a generating sequence whose recent
tokens occurred earlier feeds its last token and a draft of what followed them (logits on
every position); its own sampler then walks the positions and keeps the draft while it samples
the same tokens. The first differing sample is its next token, as on the plain path from those
logits, and the rejected draft is removed from the cache. On CPU, llama.cpp's logits depend on
how many tokens a batch holds, so at temperature 0 a position whose two best tokens are nearly
tied is not decided in the draft's batch: that token is decoded again alone in the next step.
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

import llama_cpp
import numpy as np

from codesim.models.kv_slots import SlotTable
from codesim.models.prompt_lookup import LookupSettings, PromptLookup
from codesim.models.sampling import AnswerText, Sampler, SampleSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """One sequence's text and the tokens it generated (end-of-generation not counted)."""

    text: str
    tokens: tuple[int, ...] = ()

    @property
    def completion_tokens(self) -> int:
        return len(self.tokens)


class EngineStopped(RuntimeError):
    """The decode loop stopped (closed, or llama.cpp failed) before the request was answered."""


class DecodeRequest:
    """A prompt (token ids) and one `SampleSpec` per answer wanted. `future` gets the answers
    in order; setting `cancelled` ends every sequence at the next step, and the future then
    gets what was generated so far."""

    def __init__(self, prompt: list[int], samples: list[SampleSpec]) -> None:
        self.prompt = prompt
        self.samples = samples
        self.future: Future[list[Answer]] = Future()
        self.cancelled = threading.Event()
        self.reused_tokens = 0  # prompt tokens found in the cache, set when the request starts
        self._answers: list[Answer | None] = [None] * len(samples)

    def settle(self, index: int, answer: Answer) -> None:
        self._answers[index] = answer
        if all(a is not None for a in self._answers) and not self.future.done():
            self.future.set_result([a for a in self._answers if a is not None])


@dataclass
class Sequence:
    """One answer being produced in llama.cpp sequence `seq_id` (its lane, which can change
    when another sequence ends)."""

    seq_id: int
    request: DecodeRequest
    index: int
    sampler: Sampler
    text: AnswerText
    kv_tokens: list[int]  # the tokens this sequence holds in the cache, in position order
    to_feed: list[int]  # the next tokens to decode: the unread prompt, or the last sampled token
    reading_prompt: bool
    lookup: PromptLookup | None  # its drafts, when prompt lookup is on
    undrafted: bool = False  # its next step decodes its last token without a draft
    generated: list[int] = field(default_factory=list)  # the answer's tokens so far
    followers: list[Sequence] = field(default_factory=list)  # the request's other answers


class DecodeLoop:
    """The decode thread of one llama.cpp context (created with `n_seq_max = slots.n_seq`
    and one KV stream per sequence); drafts by prompt lookup when `prompt_lookup` is set."""

    def __init__(
        self,
        ctx: llama_cpp.llama_context_p,
        vocab: llama_cpp.llama_vocab_p,
        slots: SlotTable,
        n_batch: int,
        prompt_lookup: LookupSettings | None = None,
    ):
        self._ctx = ctx
        self._vocab = vocab
        self._memory = llama_cpp.llama_get_memory(ctx)
        self._slots = slots
        self._n_batch = n_batch
        self._lookup = prompt_lookup
        self._tie_margin = prompt_lookup.tie_margin if prompt_lookup is not None else 0.0
        self._n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._piece = ctypes.create_string_buffer(256)
        self._inbox: queue.SimpleQueue[DecodeRequest | None] = queue.SimpleQueue()
        self._pending: list[DecodeRequest] = []
        self._running: list[Sequence] = []
        self._lanes: dict[int, Sequence] = {}  # every admitted sequence by lane, followers too
        self._stopping = False
        self._submitting = threading.Lock()
        self.evaluated_prompt_tokens = 0  # every prompt token decoded so far
        self.generated_tokens = 0  # every answer token sampled so far
        self.drafted_tokens = 0  # every draft token fed for verification
        self.accepted_draft_tokens = 0  # the draft tokens kept (sampled as drafted)
        self._thread = threading.Thread(target=self._run, name="llama-decode", daemon=True)
        self._thread.start()

    def submit(self, request: DecodeRequest) -> None:
        """Queue `request`; it joins the running sequences at the next step."""
        with self._submitting:
            if self._stopping:
                raise EngineStopped("the model was closed")
            self._inbox.put(request)

    def stop(self) -> None:
        """End every request (their futures get `EngineStopped`) and wait for the thread, so
        the context can be freed safely afterwards."""
        with self._submitting:
            self._stopping = True
            self._inbox.put(None)
        self._thread.join()
        llama_cpp.llama_batch_free(self._batch)

    # --- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self._receive(block=not self._running)
            if self._stopping:
                break
            try:
                self._admit()
                self._step()
            except Exception as err:  # a failed decode fails the requests in flight, not the loop
                log.exception("llama.cpp decode step failed")
                self._fail_all(EngineStopped(f"llama.cpp failed: {err}"))
        self._receive(block=False)
        self._fail_all(EngineStopped("the model was closed"))

    def _receive(self, block: bool) -> None:
        try:
            item = self._inbox.get(block=block)
            while True:
                if item is not None:
                    self._pending.append(item)
                item = self._inbox.get_nowait()
        except queue.Empty:
            return

    def _admit(self) -> None:
        self._end_cancelled()
        while self._pending:
            request = self._pending[0]
            admission = self._slots.admit(request.prompt, len(request.samples))
            if admission is None:
                return
            self._pending.pop(0)
            if admission.source is not None:  # whole streams are copied; then the unshared tail goes
                llama_cpp.llama_memory_seq_cp(self._memory, admission.source, admission.lanes[0], -1, -1)
                llama_cpp.llama_memory_seq_rm(self._memory, admission.lanes[0], admission.shared, -1)
            request.reused_tokens = admission.shared
            sequences = [self._new_sequence(lane, request, i) for i, lane in enumerate(admission.lanes)]
            self._lanes.update((sequence.seq_id, sequence) for sequence in sequences)
            leader = sequences[0]
            leader.kv_tokens = request.prompt[: admission.shared]
            leader.to_feed = request.prompt[admission.shared :]
            leader.reading_prompt = True
            leader.followers = sequences[1:]
            self._running.append(leader)

    def _new_sequence(self, lane: int, request: DecodeRequest, index: int) -> Sequence:
        """The sequence of `request`'s answer `index`, in `lane`, before it reads or samples."""
        spec = request.samples[index]
        lookup = None if self._lookup is None else PromptLookup(request.prompt, self._lookup)
        return Sequence(lane, request, index, Sampler(spec), AnswerText(spec.stop), [], [], False, lookup)

    def _end_cancelled(self) -> None:
        for request in [r for r in self._pending if r.cancelled.is_set()]:
            self._pending.remove(request)
            request.future.set_result([Answer("") for _ in request.samples])
        for sequence in [s for s in self._running if s.request.cancelled.is_set()]:
            self._finish(sequence)

    def _step(self) -> None:
        if not self._running:
            return
        generating = sorted((s for s in self._running if not s.reading_prompt), key=lambda s: s.seq_id)
        reading = [s for s in self._running if s.reading_prompt]
        entries: list[tuple[Sequence, int, bool]] = []
        fed: list[tuple[Sequence, int, list[int]]] = []  # a generating sequence, its first entry, its tokens
        room = self._n_batch - len(generating)  # batch entries left for drafts
        for sequence in generating:
            tokens = [sequence.to_feed[0], *self._draft(sequence, room)]
            room -= len(tokens) - 1
            fed.append((sequence, len(entries), tokens))
            entries += [(sequence, token, True) for token in tokens]
            sequence.to_feed = []
        for sequence in reading:
            take = min(self._n_batch - len(entries), len(sequence.to_feed))
            if take <= 0:
                break
            last = take == len(sequence.to_feed)  # the prompt's last token: its logits are sampled
            entries += [(sequence, token, last and j == take - 1) for j, token in enumerate(sequence.to_feed[:take])]
            sequence.to_feed = sequence.to_feed[take:]
        self._decode(entries)
        for sequence, first, tokens in fed:
            self._verify(sequence, first, tokens)
        for output, (sequence, _, wants_logits) in enumerate(entries):
            if wants_logits and sequence.reading_prompt:
                self._start_answers(sequence, output)

    def _draft(self, sequence: Sequence, room: int) -> list[int]:
        """Draft tokens for `sequence`: at most `room`, and fewer than the tokens it may
        still generate (the token sampled after a fully accepted draft is one more)."""
        if sequence.lookup is None or sequence.undrafted:
            sequence.undrafted = False
            return []
        left = sequence.request.samples[sequence.index].max_tokens - len(sequence.generated) - 1
        return sequence.lookup.draft(min(room, left))

    def _decode(self, entries: list[tuple[Sequence, int, bool]]) -> None:
        batch = self._batch
        batch.n_tokens = len(entries)
        for i, (sequence, token, wants_logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = len(sequence.kv_tokens)
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = sequence.seq_id
            batch.logits[i] = wants_logits
            sequence.kv_tokens.append(token)
        status = llama_cpp.llama_decode(self._ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode returned {status} for a batch of {len(entries)} tokens")
        self.evaluated_prompt_tokens += sum(1 for sequence, _, _ in entries if sequence.reading_prompt)

    def _start_answers(self, leader: Sequence, output: int) -> None:
        """The prompt is read: copy it to the request's other sequences; all sample from its
        last token's logits."""
        leader.reading_prompt = False
        for follower in leader.followers:
            llama_cpp.llama_memory_seq_cp(self._memory, leader.seq_id, follower.seq_id, -1, -1)
            follower.kv_tokens = list(leader.kv_tokens)
            self._running.append(follower)
        group = [leader, *leader.followers]
        leader.followers = []
        last_prompt_token = leader.kv_tokens[-1]
        for sequence in group:
            self._verify(sequence, output, [last_prompt_token])

    def _verify(self, sequence: Sequence, first: int, tokens: list[int]) -> None:
        """Sample after each of the `tokens` just decoded for `sequence` (batch entries from
        `first` on: its last sampled token, then a draft) while each sample equals the next
        drafted token; drop the rest of the draft from the cache, then go on or finish. A
        greedy sequence stops before a near tie in a drafted batch and decodes that token again
        alone."""
        start = len(sequence.kv_tokens) - len(tokens)  # the position of tokens[0]
        drafted = len(tokens) - 1
        going, tied = True, False
        for walked in range(len(tokens)):
            if drafted and self._tie_margin and sequence.sampler.greedy and self._near_tie(first + walked):
                tied = True
                break
            token = sequence.sampler.sample(self._ctx, first + walked)
            going = self._emit(sequence, token)
            if not going or walked == drafted or token != tokens[walked + 1]:
                break
        if sequence.lookup is not None and drafted:
            self.drafted_tokens += drafted
            self.accepted_draft_tokens += walked
            sequence.lookup.update(drafted, walked)
        kept = start + walked + (0 if tied else 1)
        if kept < len(sequence.kv_tokens):
            llama_cpp.llama_memory_seq_rm(self._memory, sequence.seq_id, kept, -1)
            del sequence.kv_tokens[kept:]
        if tied:
            sequence.to_feed, sequence.undrafted = [tokens[walked]], True
        elif going:
            sequence.to_feed = [token]
        else:
            self._finish(sequence)

    def _near_tie(self, output: int) -> bool:
        """Whether the two best logits of batch entry `output` are closer than `tie_margin`."""
        row = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._ctx, output), shape=(self._n_vocab,))
        best = int(row.argmax())
        second = max(row[:best].max(initial=-np.inf), row[best + 1 :].max(initial=-np.inf))
        return float(row[best] - second) < self._tie_margin

    def _emit(self, sequence: Sequence, token: int) -> bool:
        """Add a sampled token to `sequence`'s answer; False when the answer has ended (end of
        generation, not added; a stop string; `max_tokens`)."""
        if llama_cpp.llama_vocab_is_eog(self._vocab, token):
            return False
        sequence.generated.append(token)
        self.generated_tokens += 1
        if sequence.lookup is not None:
            sequence.lookup.append(token)
        stopped = sequence.text.add(self._token_bytes(token))
        return not stopped and len(sequence.generated) < sequence.request.samples[sequence.index].max_tokens

    def _finish(self, sequence: Sequence) -> None:
        """End `sequence`: it answers, leaves the batch and is kept on a shelf."""
        self._running.remove(sequence)
        for follower in sequence.followers:  # cancelled before the prompt was read
            follower.sampler.free()
            self._end_lane(follower)
            sequence.request.settle(follower.index, Answer(""))
        sequence.sampler.free()
        self._end_lane(sequence)
        sequence.request.settle(sequence.index, Answer(sequence.text.text, tuple(sequence.generated)))

    def _end_lane(self, sequence: Sequence) -> None:
        """Free `sequence`'s lane: its cells go to a shelf, and the last running sequence moves
        into the lane so that the running lanes stay consecutive."""
        lane = sequence.seq_id
        release = self._slots.release(lane, sequence.kv_tokens)
        del self._lanes[lane]
        if release.shelf is not None:
            llama_cpp.llama_memory_seq_cp(self._memory, lane, release.shelf, -1, -1)
        for shelf in release.emptied:
            llama_cpp.llama_memory_seq_rm(self._memory, shelf, -1, -1)
        llama_cpp.llama_memory_seq_rm(self._memory, lane, -1, -1)
        if release.moved is not None:
            mover = self._lanes.pop(release.moved)
            if mover.kv_tokens:
                llama_cpp.llama_memory_seq_cp(self._memory, release.moved, lane, -1, -1)
                llama_cpp.llama_memory_seq_rm(self._memory, release.moved, -1, -1)
            mover.seq_id = lane
            self._lanes[lane] = mover

    def _fail_all(self, error: Exception) -> None:
        """Drop every request in flight with `error` and empty the cache."""
        for request in self._pending + [s.request for s in self._running]:
            if not request.future.done():
                request.future.set_exception(error)
        for sequence in self._running:
            sequence.sampler.free()
            for follower in sequence.followers:
                follower.sampler.free()
        self._pending, self._running = [], []
        self._lanes.clear()
        llama_cpp.llama_memory_clear(self._memory, True)
        self._slots.clear()

    def _token_bytes(self, token: int) -> bytes:
        length = llama_cpp.llama_token_to_piece(self._vocab, token, self._piece, len(self._piece), 0, False)
        if length < 0:  # a piece longer than the buffer: grow it once to the size asked
            self._piece = ctypes.create_string_buffer(-length)
            length = llama_cpp.llama_token_to_piece(self._vocab, token, self._piece, len(self._piece), 0, False)
        return self._piece.raw[:length]
