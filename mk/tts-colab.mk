# BACKEND=colab: Kokoro on a Colab GPU, through a jobs folder (mk/colab.mk).
# Jobs folder default: $COLAB_TTS_DRIVE_PATH, else ~/gdrive/autonomous-recording/tts-jobs.

include mk/colab.mk
