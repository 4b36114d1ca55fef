# BACKEND=colab-f5: F5-TTS voice cloning on a Colab GPU, through a jobs
# folder (mk/colab.mk); the spec's settings.f5_ref_audio travels with the job.
# Jobs folder default: $COLAB_F5_TTS_DRIVE_PATH, else ~/gdrive/autonomous-recording/f5-tts-jobs.

include mk/colab.mk
