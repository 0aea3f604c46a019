import pytest

from nearmiss_lab.config import ModelNotInstalledError, Settings, require_spacy_model


def test_missing_spacy_model_error_names_the_package_to_install():
    with pytest.raises(ModelNotInstalledError, match="never downloads"):
        require_spacy_model("en_core_web_nonexistent_model")


def test_default_model_is_installed_by_setup():
    require_spacy_model(Settings().spacy_model)


def test_settings_from_env_reads_store_and_model(monkeypatch, tmp_path):
    monkeypatch.setenv("NEARMISS_STORE", str(tmp_path))
    monkeypatch.setenv("NEARMISS_SPACY_MODEL", "en_core_web_lg")
    s = Settings.from_env()
    assert s.store == tmp_path and s.spacy_model == "en_core_web_lg"
    assert Settings.from_env(spacy_model="x").spacy_model == "x"
