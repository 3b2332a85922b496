@echo off
rem The kata's command line on Windows: kata help lists its commands. It is a Java program
rem (tools\Kata.java); this launcher only finds a JDK 17+. On Linux and macOS, ./kata does the same.
setlocal
cd /d "%~dp0"
set "JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
"%JAVA%" -version >nul 2>&1
if errorlevel 1 (
  echo java is not on PATH. Install a JDK 17 or newer, for example Temurin 17, and set JAVA_HOME. 1>&2
  exit /b 1
)
"%JAVA%" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 tools\Kata.java %*
exit /b %ERRORLEVEL%
